"""Nothing personal in any log line, whatever fails (issue 15, item 11)."""
import logging
import re
import sqlite3
from pathlib import Path

from adhoc_ws import logsafe

PACKAGE = Path(__file__).resolve().parent.parent / "adhoc_ws"


def test_no_module_logs_an_exception_but_through_logsafe():
    """log.exception and exc_info=True would write the exception's message, which may hold data."""
    offenders = [f"{path.relative_to(PACKAGE)}:{n}"
                 for path in PACKAGE.rglob("*.py") if path.name != "logsafe.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\.exception\(|exc_info\s*=\s*(True|e\b)|stack_info\s*=\s*True", line)]
    assert offenders == []


def raise_in_a_function(error):
    raise error


def test_a_failure_is_logged_by_type_and_place_not_by_its_message(caplog):
    log = logging.getLogger("adhoc_ws.test")
    try:
        try:
            int("Janssen")
        except ValueError as e:
            raise RuntimeError("bsn 999994049") from e
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="adhoc_ws.test"):
            logsafe.log_failure(log, "vraag failed")
    (line,) = caplog.messages
    assert line.startswith("vraag failed: RuntimeError at test_logs.py:")
    assert "caused by ValueError at test_logs.py:" in line
    assert "Janssen" not in line and "999994049" not in line


def test_an_unavailable_database_is_named_by_its_condition():
    try:
        raise_in_a_function(sqlite3.OperationalError("database is locked"))
    except sqlite3.OperationalError as e:
        text = logsafe.describe(e)
    assert text.startswith("OperationalError [database is locked] at test_logs.py:")
    assert "in raise_in_a_function < " in text
    try:
        raise_in_a_function(sqlite3.IntegrityError("UNIQUE constraint failed: Janssen"))
    except sqlite3.IntegrityError as e:
        assert "Janssen" not in logsafe.describe(e)
