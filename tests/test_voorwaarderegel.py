"""The voorwaarderegel: the GBA notation read, and evaluated on persoonslijsten."""
import datetime as dt

import pytest

from adhoc_ws.voorwaarderegel import Voorwaarderegel, VoorwaarderegelError, shift

TODAY = dt.date(2026, 11, 22)


def pl(geboren="19800101", gemeente="0363", naam="Janssen", opschorting=None, nationaliteiten=("0001",),
       oude_gemeente=None):
    p = {"01": [[{"0110": "1234567890", "0120": "999993653", "0240": naam, "0310": geboren}]],
         "04": [[{"0510": n}] for n in nationaliteiten],
         "08": [[{"0910": gemeente}]]}
    if oude_gemeente:
        p["08"][0].append({"0910": oude_gemeente})
    if opschorting:
        p["07"] = [[{"6710": "20200101", "6720": opschorting}]]
    return p


def allows(regel, persoonslijst):
    return Voorwaarderegel.parse(regel).allows(persoonslijst, TODAY)


@pytest.mark.parametrize("regel, persoonslijst, expected", [
    ("08.09.10 GA1 0363", pl(), True),
    ("08.09.10 GA1 0518", pl(), False),
    ("08.09.10 GA1 0518 OFVGL 0363", pl(), True),
    ("08.09.10 OGA1 0518 OFVGL 0599", pl(), True),
    ("08.09.10 OGA1 0363 OFVGL 0599", pl(), False),
    ("KNV 07.67.10", pl(), True),
    ("KNV 07.67.10", pl(opschorting="O"), False),
    ("KV 07.67.10 ENVWD 07.67.20 GA1 \"O\"", pl(opschorting="O"), True),
    ("01.02.40 GA1 \"Jans*\"", pl(), True),
    ("01.02.40 GA1 \"Jans?n\"", pl(naam="Jansen"), True),
    ("01.02.40 GA1 \"jans*\"", pl(), False),
    ("01.03.10 KDOG1 19.89.20 - 00180000", pl(geboren="20081122"), True),   # 18 today
    ("01.03.10 KDOG1 19.89.20 - 00180000", pl(geboren="20081123"), False),  # 18 tomorrow
    ("01.03.10 KD1 19.89.20 - 0018", pl(geboren="20071231"), True),          # years only
    ("01.03.10 KD1 19.89.20 - 0018", pl(geboren="20080101"), False),
    ("01.03.10 GD1 19500101", pl(), True),
    ("04.05.10 GA1 0057", pl(nationaliteiten=("0001", "0057")), True),   # one voorkomen suffices
    ("04.05.10 GAA 0001", pl(nationaliteiten=("0001", "0057")), False),  # all voorkomens must
    ("58.09.10 GA1 0599", pl(oude_gemeente="0599"), True),                # historic voorkomens
    ("58.09.10 GA1 0599", pl(), False),
    ("08.09.10 GA1 0518 OFVWD 08.09.10 GA1 0363", pl(), True),
    ("08.09.10 GA1 0518 OF 08.09.10 GA1 0363", pl(), True),
    ("08.09.10 GA1 0518 OF 0363", pl(), True),
    ("KNV 07.67.10 EN 08.09.10 GA1 0518 OF 08.09.10 GA1 0363", pl(), True),  # a EN (b OF c)
    ("(KV 07.67.10 EN 08.09.10 GA1 0518) OF 08.09.10 GA1 0363", pl(), True),
    ("KV 07.67.10 ENVWD (08.09.10 GA1 0518 OFVWD 08.09.10 GA1 0363)", pl(), False),
    ("01.03.10 GA1 01.03.10", pl(), True),
    ("07.67.20 OGA1 \"O\"", pl(), False),  # no value: a comparison is false
])
def test_conditions(regel, persoonslijst, expected):
    assert allows(regel, persoonslijst) is expected


@pytest.mark.parametrize("regel, message", [
    ("", "the voorwaarderegel is empty"),
    ("08.09.10 GA1", "ends too soon"),
    ("08.09.10 GA2 0363", "position 10: expected an operator"),
    ("99.99.99 GA1 1", "position 1: unknown rubriek 99.99.99"),
    ("01.02.40 GD1 \"A\"", "GD1 compares numbers and dates; 01.02.40 is alphanumeric"),
    ("08.09.10 GA1 \"0363\"", "08.09.10 is numeric"),
    ("(08.09.10 GA1 0363", r"position 19: expected '\)', found the end"),
    ("08.09.10 GA1 0363 08.09.10", "position 19: expected ENVWD or OFVWD"),
    ("01.03.10 KD1 19.89.20 - 018", "a period of 4, 6 or 8 digits"),
    ("08.09.10 GA1 0363 + 0001", "only a date can take a period"),
    ("08.09.10 GA1 0363 ; drop", "position 19: cannot read"),
])
def test_a_rule_that_cannot_be_read_says_where(regel, message):
    with pytest.raises(VoorwaarderegelError, match=message):
        Voorwaarderegel.parse(regel)


@pytest.mark.parametrize("datum, sign, period, expected", [
    ("20081122", -1, "00180000", "19901122"), ("20240229", -1, "0001", "20230228"),
    ("20240131", 1, "000001", "20240229"), ("20240131", 1, "00000001", "20240201"),
    ("19800000", 1, "00180000", "19980000"),
])
def test_date_arithmetic(datum, sign, period, expected):
    assert shift(datum, sign, period) == expected
