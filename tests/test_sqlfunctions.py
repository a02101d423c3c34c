"""The folding in SQL is the folding in Python, for every character, on both backends."""
from sqlalchemy import text

from adhoc_ws.charset import ALLOWED, fold, slim


def test_sql_folding_equals_python_folding(engine):
    sample = "".join(sorted(ALLOWED))
    with engine.connect() as conn:
        row = conn.execute(text("SELECT adhoc_slim(:v), adhoc_lower(:v), adhoc_fold(:v), "
                                "adhoc_fold(NULL)"), {"v": sample}).one()
    assert tuple(row) == (slim(sample), sample.lower(), fold(sample), None)


def test_like_is_case_sensitive_on_both_backends(engine):
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 'Muller' LIKE 'mul%', 'Muller' LIKE 'Mul%'")).one() == \
            (False, True)
