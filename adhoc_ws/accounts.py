"""Afnemers and their accounts: the autorisatie file, logging in, changing a password.

The autorisatie file (brief §5) is loaded with ``adhoc-ws afnemers FILE``: checked as a whole,
then written in one transaction (an afnemer in the file replaces its earlier autorisatie and
accounts; afnemers not in the file stay). Autorisaties go into the GBA-V tables
``lo3_autorisatie`` and ``lo3_voorwaarde_regel_aut``; accounts into ``adhoc_gebruiker`` with
the password as an argon2id hash only. The file's ``"mailboxen"`` (the Berichten API's, see
:mod:`adhoc_ws.mailboxen`) go into ``berichten_mailbox`` the same way.

Logging in, in this order: X010 wrong credentials (the same answer for an unknown name, a
wrong password and a locked account), X011 account not activated, X012 password expired
(not for changePassword), X013 no current autorisatie.

Repeated failures: after 5 wrong passwords in a row an account is locked for 1 minute, and
every further failure doubles that, up to an hour; while locked every login is X010, the
password is not even checked, and the attempts do not extend the lock. A good login resets
the count. The count lives in the database and is taken before a password is checked
(:class:`Passwords`), so the lock holds at 5 whatever the concurrency, while right passwords
arriving together wait for one of the 5 places instead of locking the account. A verified password is
remembered for 5 minutes as an HMAC under a key that lives only in this process, so that not
every request pays for argon2; a whole successful login (account and autorisatie) is
remembered for 10 seconds, so that a change loaded with ``adhoc-ws afnemers`` in another
process applies within 10 seconds, but a remembered login is answered only after the
database says the account is not locked (and takes its count back to 0): its
:class:`LockCheck`, which a statement the request runs anyway may settle by reading the lock
along. A password changed here applies at once. :class:`Passwords` does the checking and the
lock-out, for the accounts and for the mailboxes alike.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import and_, bindparam, case, delete, func, insert, or_, select, update
from sqlalchemy.engine import Engine

from . import catalogue
from .afnemer import Afnemer
from .foutcodes import Fout
from .storage.database import Connections, Prepared, retry_lost
from .storage.schema import adhoc_gebruiker, berichten_mailbox, lo3_autorisatie, lo3_voorwaarde_regel_aut
from .voorwaarderegel import Voorwaarderegel, VoorwaarderegelError

AD_HOC_VOORWAARDE = "6"  # voorwaarde_type of 35.95.61, voorwaarderegel ad hoc
# codes an autorisatie may hold among its rubrieken (35.95.60) besides rubrieknummers
CODES = frozenset({"AXBW01"})  # AXBW01: bewoning (the BRP bewoning API)
LOCK_AFTER = 5
LOCK_FIRST = 60
LOCK_MAX = 3600
REMEMBER = 300
REMEMBER_LOGIN = 10
PLACE_WAIT = 10  # seconds an attempt waits for one of the LOCK_AFTER places
PLACE_POLL = 0.02
PASSWORD_VALID_DAYS = 90
UNTOUCHED = (0, None)  # an account's failure count and lock when it has neither


@dataclass(frozen=True)
class Credentials:
    gebruikersnaam: str
    wachtwoord: str


@dataclass(frozen=True)
class Bearer:
    """A caller that showed a valid bearer token (OAuth 2.0, :mod:`adhoc_ws.oauth`): the name it
    was issued to, its password checked when the token was."""
    gebruikersnaam: str


class AfnemersFileError(ValueError):
    """An autorisatie file that cannot be loaded; the message names where and why."""


def password_problem(new: str | None, current: str | None = None) -> str | None:
    """The foutcode of the first password rule ``new`` breaks, or None."""
    if not new:
        return "X101"
    if not 10 <= len(new) <= 64:
        return "X110"
    if any(not 32 <= ord(c) <= 126 for c in new):
        return "X111"
    classes = [any(c.isupper() for c in new), any(c.islower() for c in new),
               any(c.isdigit() for c in new), any(not c.isalnum() for c in new)]
    if sum(classes) < 3:
        return "X112"
    for i in range(len(new) - 3):
        steps = {ord(new[j + 1]) - ord(new[j]) for j in range(i, i + 3)}
        if steps in ({1}, {-1}):
            return "X113"
    if current is not None and new == current:
        return "X114"
    return None


def _day(value: dt.date) -> int:
    return int(value.strftime("%Y%m%d"))


class Passwords:
    """Checking passwords against the argon2 hashes of one table (accounts, mailboxes), with
    the lock-out after repeated failures and the memory of verified passwords described above.

    ``table`` has the columns ``wachtwoord_hash``, ``mislukte_pogingen`` and
    ``geblokkeerd_tot``; ``key`` is its primary-key column (the name logged in with).

    Every attempt is counted in the database *before* its password is checked: one atomic
    UPDATE adds it to ``mislukte_pogingen``, and only while fewer than :data:`LOCK_AFTER`
    attempts are counted and the name was never locked (or, once a lock has run out, for one
    attempt, which locks again at once). A wrong password keeps its count and, when the count
    has reached :data:`LOCK_AFTER`, sets the lock; a right one takes the count back to 0. So
    however many attempts arrive together, in however many processes, at most
    :data:`LOCK_AFTER` passwords are checked before the lock holds, and one each time a lock
    has run out, while right passwords arriving together never lock anyone: an attempt that
    finds the :data:`LOCK_AFTER` places taken waits (up to :data:`PLACE_WAIT` seconds) until
    the attempts before it are decided. Places still taken after that (a process killed while
    checking) count as failures: the lock is set. A password verified before (remembered, see
    above) takes no place: the database is only asked whether the name is locked. An unknown
    name, a wrong password and a locked name each cost one argon2 verification (a dummy hash
    for the first and the last), so their answers take the same time.
    """

    def __init__(self, engine: Engine, table, key, *, clock=time.time, connections: Connections | None = None):
        self.engine, self.table, self.key, self.clock = engine, table, key, clock
        self.hasher = PasswordHasher()
        self._key = secrets.token_bytes(32)
        self._verified: dict = {}
        self._lock = threading.Lock()
        # the statements run on a connection kept per thread (shared with the service's
        # answering when it is given): a remembered login costs one short read
        self._connections = connections or Connections(engine, STATEMENT_SECONDS)

    @cached_property
    def _dummy_hash(self) -> str:
        return self.hasher.hash(secrets.token_hex(16))

    def digest(self, password: str) -> bytes:
        """The password under a key of this process only: to remember it, never to store it."""
        return hmac.digest(self._key, password.encode(), "sha256")  # the one-shot C form

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def check(self, name, password: str):
        """The row of ``name`` (as it is now) when ``password`` is its password and the name
        is not locked; else None, after the same work for every reason."""
        now = self.clock()
        if self._impossible(name):
            self._verify(self._dummy_hash, password)
            return None
        with self._lock:
            remembered = self._verified.get(name)
        if remembered and remembered[1] > now and hmac.compare_digest(remembered[0], self.digest(password)):
            return self.unlocked(name) if self.still_good(name, password) else None
        row = self._take_place(name)
        if row is None:  # no such name, or locked: the time a real check takes
            self._verify(self._dummy_hash, password)
            return None
        if not self._verify(row.wachtwoord_hash, password):
            self._run(self._lock_when_full, name, now)  # the attempt stays counted
            return None
        self._run(self._clear, name)  # a lock this very attempt set included (one try after a lock)
        with self._lock:
            self._verified[name] = (self.digest(password), now + REMEMBER)
        return row

    def _take_place(self, name):
        """Count an attempt for ``name`` (its row), waiting while every place is taken by
        attempts being checked; None when there is no such name or it is locked."""
        deadline = time.monotonic() + PLACE_WAIT
        while True:
            now = self.clock()
            row = self._run(self._reserve, name, now)
            if row is not None:
                return row
            state = self._run(lambda conn: _state(self.table, self.key, conn.dialect).run(conn, {"name": name}))
            if not state or state[0][1] is not None:
                return None  # no such name, or locked (a lock that ran out meanwhile: one try)
            if time.monotonic() >= deadline:  # places held by attempts nobody decides
                self._run(self._lock_when_full, name, now)
                return None
            time.sleep(PLACE_POLL)

    def _impossible(self, name) -> bool:
        """A name no row can have (too long for the column, or not printable: the file
        refuses those), which the database need not be asked about."""
        length = getattr(self.key.type, "length", None)
        return isinstance(name, str) and (not name.isprintable() or bool(length) and len(name) > length)

    def still_good(self, name, password: str | None) -> bool:
        """For a login remembered as good: whether ``name`` is not locked now (else False,
        after the time a check of ``password`` takes); a good login takes its failure count
        back to 0."""
        now = self.clock()
        if self._run(self._reset, name, now):
            return True
        if password is not None:
            self._verify(self._dummy_hash, password)
        return False

    def unlocked(self, name):
        """The row of ``name`` if there is one and it is not locked (for a caller whose
        password was checked before, such as a bearer token's)."""
        row = self._run(lambda conn: conn.execute(select(self.table).where(self.key == name)).one_or_none())
        return row if row is not None and not _locked(row.geblokkeerd_tot, self.clock()) else None

    def _reserve(self, conn, name, now: float):
        """Count one attempt, if ``name`` is not locked: its row after that, or None."""
        t = self.table.c
        tries = t.mislukte_pogingen + 1
        never_locked = and_(t.geblokkeerd_tot.is_(None), t.mislukte_pogingen < LOCK_AFTER)
        ran_out = t.geblokkeerd_tot <= dt.datetime.fromtimestamp(now)  # this attempt locks again
        return conn.execute(
            update(self.table).where(self.key == name, or_(never_locked, ran_out))
            .values(mislukte_pogingen=tries,
                    geblokkeerd_tot=case((t.geblokkeerd_tot.is_(None), None), else_=_lock(tries, now)))
            .returning(*self.table.c)).one_or_none()

    def _lock_when_full(self, conn, name, now: float) -> None:
        """After a wrong password: the lock, when :data:`LOCK_AFTER` attempts are counted."""
        t = self.table.c
        conn.execute(update(self.table)
                     .where(self.key == name, t.geblokkeerd_tot.is_(None), t.mislukte_pogingen >= LOCK_AFTER)
                     .values(geblokkeerd_tot=_lock(t.mislukte_pogingen, now)))

    def _reset(self, conn, name, now: float) -> bool:
        """A good login: the count back to 0, unless ``name`` is locked; whether it is not."""
        if _state(self.table, self.key, conn.dialect).run(conn, {"name": name}) == [UNTOUCHED]:
            return True  # what nearly every login finds
        t = self.table.c
        state = conn.execute(select(t.mislukte_pogingen, t.geblokkeerd_tot)
                             .where(self.key == name)).one_or_none()
        if state is None or _locked(state.geblokkeerd_tot, now):
            return False
        if state.mislukte_pogingen == 0:
            return True
        return conn.execute(update(self.table).where(self.key == name, _not_locked(t, now))
                            .values(mislukte_pogingen=0, geblokkeerd_tot=None)).rowcount == 1

    def _clear(self, conn, name) -> None:
        """A password checked right: the count back to 0 and no lock."""
        t = self.table.c
        conn.execute(update(self.table).where(self.key == name, or_(t.mislukte_pogingen != 0,
                                                                    t.geblokkeerd_tot.is_not(None)))
                     .values(mislukte_pogingen=0, geblokkeerd_tot=None))

    def _run(self, statement, *args):
        """``statement(conn, *args)`` on this thread's connection (autocommit); once more on a
        new connection when the database had dropped it (a restart)."""
        return retry_lost(self._connections.run, statement, *args)

    def forget(self, name) -> None:
        """After a password change: check the next login against the new hash."""
        with self._lock:
            self._verified.pop(name, None)


# how long a lock lasts, by the failure that sets it: the LOCK_AFTER-th, the next, …
_LOCK_SECONDS = [LOCK_FIRST * 2 ** n for n in range(20) if LOCK_FIRST * 2 ** n < LOCK_MAX]


def _lock(tries, now: float):
    """The end of the lock that the ``tries``-th failure sets (an SQL expression)."""
    return case(*[(tries == LOCK_AFTER + n, dt.datetime.fromtimestamp(now + seconds))
                  for n, seconds in enumerate(_LOCK_SECONDS)],
                else_=dt.datetime.fromtimestamp(now + LOCK_MAX))
STATEMENT_SECONDS = 10


@lru_cache(maxsize=16)
def _state(table, key, dialect) -> Prepared:
    """The failure count and lock of a name, in a statement made once (it runs on every
    remembered login)."""
    t = table.c
    return Prepared.of(select(t.mislukte_pogingen, t.geblokkeerd_tot).where(key == bindparam("name")),
                       dialect, re.compile("name"))


def _locked(until: dt.datetime | None, now: float) -> bool:
    return until is not None and until.timestamp() > now


def _not_locked(t, now: float):
    return or_(t.geblokkeerd_tot.is_(None), t.geblokkeerd_tot <= dt.datetime.fromtimestamp(now))


class Accounts:
    """Logging in and changing passwords against the accounts in the database."""

    def __init__(self, engine: Engine, *, clock=time.time, today=dt.date.today,
                 connections: Connections | None = None):
        self.engine = engine
        self.clock, self.today = clock, today
        self.passwords = Passwords(engine, adhoc_gebruiker, adhoc_gebruiker.c.gebruikersnaam, clock=clock,
                                   connections=connections)
        self._logins: dict[tuple[str, bytes | None], tuple[float, Afnemer, str]] = {}
        self._lock = threading.Lock()

    def has_afnemers(self) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(select(func.count()).select_from(adhoc_gebruiker)).scalar())

    def gebruikersnamen(self) -> list[str]:
        """Every account's name, sorted."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(adhoc_gebruiker.c.gebruikersnaam)
                                     .order_by(adhoc_gebruiker.c.gebruikersnaam)).scalars())

    def mailboxen(self) -> list[str]:
        """Every Berichten API mailbox's number (7 digits, as it logs in), sorted."""
        with self.engine.connect() as conn:
            return [f"{n:07d}" for n in conn.execute(select(berichten_mailbox.c.mailbox)
                                                     .order_by(berichten_mailbox.c.mailbox)).scalars()]

    def login(self, credentials: Credentials | Bearer | None, *, changing_password: bool = False):
        """(the afnemer, the gebruikersnaam) of valid credentials (or a verified bearer token),
        or Fout X010-X013."""
        afnemer, gebruikersnaam, lock = self.login_deferred(credentials,
                                                            changing_password=changing_password)
        lock.settle()
        return afnemer, gebruikersnaam

    def login_deferred(self, credentials: Credentials | Bearer | None, *,
                       changing_password: bool = False) -> tuple[Afnemer, str, "LockCheck"]:
        """As :meth:`login`, and the :class:`LockCheck` of a remembered login, which the
        caller settles before it answers anything (a login checked in full is settled)."""
        if isinstance(credentials, Bearer) and not changing_password:
            key = (credentials.gebruikersnaam, None)
        elif not isinstance(credentials, Credentials) or not credentials.gebruikersnaam \
                or not credentials.wachtwoord:
            raise Fout("X010")
        else:
            key = (credentials.gebruikersnaam, self.passwords.digest(credentials.wachtwoord))
        if not changing_password:
            with self._lock:
                remembered = self._logins.get(key)
            if remembered and remembered[0] > self.clock():
                return remembered[1], remembered[2], LockCheck(
                    self.passwords, credentials.gebruikersnaam, getattr(credentials, "wachtwoord", None))
        result = self._login(credentials, changing_password)
        if not changing_password:
            with self._lock:
                self._logins[key] = (self.clock() + REMEMBER_LOGIN, *result)
        return (*result, SETTLED)

    def _login(self, credentials: Credentials, changing_password: bool):
        if isinstance(credentials, Bearer):  # its password was checked when the token was issued
            user = self.passwords.unlocked(credentials.gebruikersnaam)
        else:
            user = self.passwords.check(credentials.gebruikersnaam, credentials.wachtwoord)
        if user is None:
            raise Fout("X010")
        if not user.actief:
            raise Fout("X011")
        if not changing_password and user.wachtwoord_geldig_tot < _day(self.today()):
            raise Fout("X012")
        afnemer = self.afnemer(f"{user.afnemer_code:06d}")
        if afnemer is None and not changing_password:
            raise Fout("X013")
        return afnemer, user.gebruikersnaam

    def change_password(self, credentials: Credentials | None, nieuw: str | None) -> None:
        """Change the caller's password (Fout with the reason when it cannot)."""
        _, gebruikersnaam = self.login(credentials, changing_password=True)
        problem = password_problem(nieuw, credentials.wachtwoord)
        if problem:
            raise Fout(problem)
        valid_until = _day(self.today() + dt.timedelta(days=PASSWORD_VALID_DAYS))
        with self.engine.begin() as conn:
            conn.execute(update(adhoc_gebruiker)
                         .where(adhoc_gebruiker.c.gebruikersnaam == gebruikersnaam)
                         .values(wachtwoord_hash=self.passwords.hasher.hash(nieuw),
                                 wachtwoord_geldig_tot=valid_until))
        self.passwords.forget(gebruikersnaam)
        with self._lock:
            self._logins = {k: v for k, v in self._logins.items() if k[0] != gebruikersnaam}

    def afnemer(self, afnemersindicatie: str) -> Afnemer | None:
        """The afnemer with its autorisatie that applies today, or None."""
        return current_afnemer(self.engine, int(afnemersindicatie), self.today())


class LockCheck:
    """A remembered login's look at the lock: nothing may be answered on it before the
    database has said that the account is not locked (:meth:`settle`: X010 when it is).

    A statement the request runs anyway may read the account's failure count and lock
    along with its own rows (the search does: :meth:`read`); when they are 0 and none the
    check is settled without a statement of its own, else :meth:`settle` asks as before."""

    __slots__ = ("passwords", "name", "password", "settled")

    def __init__(self, passwords: "Passwords | None", name: str | None, password: str | None,
                 settled: bool = False):
        self.passwords, self.name, self.password, self.settled = passwords, name, password, settled

    @property
    def key(self):
        """The column that names the account (for a statement that reads it along)."""
        return self.passwords.key

    def read(self, failures, locked_until) -> None:
        """The account's failure count and lock as a statement read them now."""
        if (failures, locked_until) == UNTOUCHED:  # what nearly every login finds
            self.settled = True

    def settle(self) -> None:
        """Return once the database says the account is not locked (its failure count back
        to 0); else Fout X010, after the time a check of the password takes."""
        if not self.settled:
            if not self.passwords.still_good(self.name, self.password):
                raise Fout("X010")  # locked meanwhile
            self.settled = True


SETTLED = LockCheck(None, None, None, settled=True)  # a login checked in full


def current_afnemer(engine: Engine, afnemer_code: int, today: dt.date) -> Afnemer | None:
    """The afnemer with its autorisatie (``lo3_autorisatie``) that applies on ``today``, or None."""
    a, v = lo3_autorisatie.c, lo3_voorwaarde_regel_aut.c
    with engine.connect() as conn:
        rows = conn.execute(select(lo3_autorisatie, v.voorwaarde_regel).outerjoin(
            lo3_voorwaarde_regel_aut, (v.autorisatie_id == a.autorisatie_id)
            & (v.voorwaarde_type == AD_HOC_VOORWAARDE))
            .where(a.afnemer_code == afnemer_code)).all()
    for row in rows:
        afnemer = _afnemer(row)
        if afnemer.is_current(today):
            return afnemer
    return None


def _tokens(text: str | None) -> list[str]:
    return text.split() if isinstance(text, str) else []


def _rubrieken(text: str | None) -> frozenset[int]:
    """The rubrieknummers of a stored list (``10120 81180``; leading zeros allowed)."""
    return frozenset(int(r) for r in _tokens(text) if r.isascii() and r.isdigit())


def _codes(text: str | None) -> frozenset[str]:
    """The entries of a stored list that are no rubrieknummer (``AXBW01``, ``PAGL01``)."""
    return frozenset(r for r in _tokens(text) if not (r.isascii() and r.isdigit()))


def _afnemer(row) -> Afnemer:
    medium = row.ad_hoc_medium.strip() or None if isinstance(row.ad_hoc_medium, str) else None
    return Afnemer(
        afnemersindicatie=f"{row.afnemer_code:06d}", naam=row.afnemer_naam or "",
        adhoc=row.ad_hoc_medium is not None, adresvraag=bool(row.adres_vraag_bevoegdheid),
        zoekrubrieken=_rubrieken(row.ad_hoc_zoek_rubrieken), rubrieken=_rubrieken(row.ad_hoc_rubrieken),
        voorwaarderegel=Voorwaarderegel.parse(row.voorwaarde_regel) if row.voorwaarde_regel else None,
        mijn_overheid=bool(row.mijn_overheid), datum_ingang=row.tabel_regel_start_datum,
        datum_einde=row.tabel_regel_eind_datum, gemeente_code=row.gemeente_code,
        ad_hoc_medium=medium, codes=_codes(row.ad_hoc_rubrieken))


# -- the autorisatie file ------------------------------------------------------------------

def read_afnemers_file(path: str | Path) -> list[dict]:
    """The afnemers of an autorisatie file, the whole file checked."""
    return read_autorisatie_file(path)[0]


def read_autorisatie_file(path: str | Path) -> tuple[list[dict], list[dict]]:
    """The afnemers and the mailboxen of an autorisatie file, the whole file checked."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise AfnemersFileError(f"{path}: cannot read: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise AfnemersFileError(f"{path}: line {e.lineno} column {e.colno}: {e.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("afnemers"), list):
        raise AfnemersFileError(f'{path}: expected an object {{"afnemers": [...]}}')
    seen_codes, seen_users = set(), set()
    for i, afnemer in enumerate(data["afnemers"]):
        where = f"{path}: afnemers[{i}]"
        _check_afnemer(afnemer, where)
        code = int(afnemer["afnemersindicatie"])
        if code in seen_codes:
            raise AfnemersFileError(f"{where}: afnemersindicatie {code:06d} appears twice")
        seen_codes.add(code)
        for j, gebruiker in enumerate(afnemer["gebruikers"]):
            if gebruiker["gebruikersnaam"] in seen_users:
                raise AfnemersFileError(f"{where}.gebruikers[{j}]: gebruikersnaam "
                                        f"{gebruiker['gebruikersnaam']!r} appears twice")
            seen_users.add(gebruiker["gebruikersnaam"])
    return data["afnemers"], _read_mailboxen(data, path)


def _read_mailboxen(data: dict, path: Path) -> list[dict]:
    """``"mailboxen": [{"mailbox": "0599010", "naam": …, "wachtwoord": …, "berichten_api": true,
    "actief": true}]``: the Berichten API's mailboxes (the last two optional, default true)."""
    mailboxen = data.get("mailboxen", [])
    if not isinstance(mailboxen, list):
        raise AfnemersFileError(f"{path}: mailboxen: expected a list of mailboxes")
    seen = set()
    for i, mailbox in enumerate(mailboxen):
        where = f"{path}: mailboxen[{i}]"
        if not isinstance(mailbox, dict):
            raise AfnemersFileError(f"{where}: expected an object")
        for key in mailbox:
            if key not in ("mailbox", "naam", "wachtwoord", "berichten_api", "actief"):
                raise AfnemersFileError(f"{where}: unknown key {key!r}")
        number = mailbox.get("mailbox")
        if not (isinstance(number, str) and number.isascii() and number.isdigit() and 1 <= len(number) <= 7):
            raise AfnemersFileError(f"{where}.mailbox: expected a mailbox number of up to 7 digits, "
                                    f"found {number!r}")
        if int(number) in seen:
            raise AfnemersFileError(f"{where}: mailbox {number} appears twice")
        seen.add(int(number))
        if not isinstance(mailbox.get("naam"), str) or not 1 <= len(mailbox["naam"]) <= 80:
            raise AfnemersFileError(f"{where}.naam: expected a name of 1 to 80 characters")
        problem = password_problem(mailbox.get("wachtwoord") if isinstance(mailbox.get("wachtwoord"), str) else None)
        if problem:
            raise AfnemersFileError(f"{where}.wachtwoord: {Fout(problem).omschrijving}")
        for flag in ("berichten_api", "actief"):
            if not isinstance(mailbox.get(flag, True), bool):
                raise AfnemersFileError(f"{where}.{flag}: expected true or false")
    return mailboxen


def _check_afnemer(afnemer, where: str) -> None:
    if not isinstance(afnemer, dict):
        raise AfnemersFileError(f"{where}: expected an object")
    known = {"afnemersindicatie", "naam", "gebruikers", "adhoc", "adresvraag", "zoekrubrieken",
             "rubrieken", "voorwaarderegel", "mijn_overheid", "datum_ingang", "datum_einde",
             "gemeente_code"}
    for key in afnemer:
        if key not in known:
            raise AfnemersFileError(f"{where}: unknown key {key!r}")
    code = afnemer.get("afnemersindicatie")
    if not (isinstance(code, str) and code.isdigit() and 1 <= len(code) <= 6):
        raise AfnemersFileError(f"{where}.afnemersindicatie: expected up to 6 digits, found {code!r}")
    if not isinstance(afnemer.get("naam"), str) or not 1 <= len(afnemer["naam"]) <= 80:
        raise AfnemersFileError(f"{where}.naam: expected a name of 1 to 80 characters")
    for flag in ("adhoc", "adresvraag", "mijn_overheid"):
        if not isinstance(afnemer.get(flag, False), bool):
            raise AfnemersFileError(f"{where}.{flag}: expected true or false")
    for key in ("zoekrubrieken", "rubrieken"):
        rubrieken = afnemer.get(key, [])
        if not isinstance(rubrieken, list):
            raise AfnemersFileError(f"{where}.{key}: expected a list of rubrieknummers")
        for k, nummer in enumerate(rubrieken):
            if key == "rubrieken" and nummer in CODES:
                continue
            rubriek = catalogue.rubriek(nummer) if isinstance(nummer, int) else None
            if rubriek is None or key == "zoekrubrieken" and rubriek.historic:
                raise AfnemersFileError(f"{where}.{key}[{k}]: {nummer!r} is not a "
                                        f"{'zoekrubriek' if key == 'zoekrubrieken' else 'rubriek'}")
    regel = afnemer.get("voorwaarderegel") or ""
    if not isinstance(regel, str):
        raise AfnemersFileError(f"{where}.voorwaarderegel: expected a text")
    if regel.strip():
        try:
            Voorwaarderegel.parse(regel)
        except VoorwaarderegelError as e:
            raise AfnemersFileError(f"{where}.voorwaarderegel: {e}") from None
    for key in ("datum_ingang", "datum_einde"):
        if key in afnemer:
            _check_date(afnemer[key], f"{where}.{key}")
    gemeente = afnemer.get("gemeente_code")
    if "gemeente_code" in afnemer and not (isinstance(gemeente, str) and len(gemeente) == 4
                                           and gemeente.isdigit() and gemeente.isascii() and int(gemeente) > 0):
        raise AfnemersFileError(f"{where}.gemeente_code: expected a gemeentecode of 4 digits, "
                                f"found {gemeente!r}")
    gebruikers = afnemer.get("gebruikers")
    if not isinstance(gebruikers, list):
        raise AfnemersFileError(f"{where}.gebruikers: expected a list of accounts")
    for j, gebruiker in enumerate(gebruikers):
        _check_gebruiker(gebruiker, f"{where}.gebruikers[{j}]")


def _check_gebruiker(gebruiker, where: str) -> None:
    if not isinstance(gebruiker, dict):
        raise AfnemersFileError(f"{where}: expected an object")
    for key in gebruiker:
        if key not in ("gebruikersnaam", "wachtwoord", "wachtwoord_geldig_tot", "actief"):
            raise AfnemersFileError(f"{where}: unknown key {key!r}")
    naam = gebruiker.get("gebruikersnaam")
    if not isinstance(naam, str) or not 1 <= len(naam) <= 100 or not naam.isprintable():
        raise AfnemersFileError(f"{where}.gebruikersnaam: expected a name of 1 to 100 characters")
    problem = password_problem(gebruiker.get("wachtwoord") if isinstance(
        gebruiker.get("wachtwoord"), str) else None)
    if problem:
        rule = Fout(problem).omschrijving
        raise AfnemersFileError(f"{where}.wachtwoord: {rule}")  # the rule, never the password
    _check_date(gebruiker.get("wachtwoord_geldig_tot"), f"{where}.wachtwoord_geldig_tot")
    if not isinstance(gebruiker.get("actief", True), bool):
        raise AfnemersFileError(f"{where}.actief: expected true or false")


def _check_date(value, where: str) -> None:
    try:
        dt.datetime.strptime(value, "%Y%m%d")
    except (TypeError, ValueError):
        raise AfnemersFileError(f"{where}: expected a date YYYYMMDD, found {value!r}") from None


class Loaded(NamedTuple):
    afnemers: int
    mailboxen: int


def load_afnemers(engine: Engine, path: str | Path) -> Loaded:
    """Check the whole file, then store every afnemer and mailbox in it, in one transaction."""
    return store_afnemers(engine, *read_autorisatie_file(path))


def store_afnemers(engine: Engine, afnemers: list[dict], mailboxen: list[dict]) -> Loaded:
    """Store the afnemers and mailboxen of a checked file (:func:`read_autorisatie_file`), in
    one transaction."""
    hasher = PasswordHasher()
    with engine.begin() as conn:
        for mailbox in mailboxen:
            number = int(mailbox["mailbox"])
            conn.execute(delete(berichten_mailbox).where(berichten_mailbox.c.mailbox == number))
            conn.execute(insert(berichten_mailbox).values(
                mailbox=number, naam=mailbox["naam"], wachtwoord_hash=hasher.hash(mailbox["wachtwoord"]),
                berichten_api=int(mailbox.get("berichten_api", True)), actief=int(mailbox.get("actief", True))))
        next_id = (conn.execute(select(func.max(lo3_autorisatie.c.autorisatie_id))).scalar() or 0) + 1
        for afnemer in afnemers:
            code = int(afnemer["afnemersindicatie"])
            old = [r for r, in conn.execute(select(lo3_autorisatie.c.autorisatie_id)
                                           .where(lo3_autorisatie.c.afnemer_code == code))]
            conn.execute(delete(lo3_voorwaarde_regel_aut)
                         .where(lo3_voorwaarde_regel_aut.c.autorisatie_id.in_(old)))
            conn.execute(delete(lo3_autorisatie).where(lo3_autorisatie.c.afnemer_code == code))
            names = [g["gebruikersnaam"] for g in afnemer["gebruikers"]]
            conn.execute(delete(adhoc_gebruiker).where(
                (adhoc_gebruiker.c.afnemer_code == code) | adhoc_gebruiker.c.gebruikersnaam.in_(names)))
            conn.execute(insert(lo3_autorisatie).values(
                autorisatie_id=next_id, afnemer_code=code, afnemer_naam=afnemer["naam"],
                geheimhouding_ind=0, verstrekkings_beperking=0,
                ad_hoc_medium="N" if afnemer.get("adhoc") else None,
                adres_vraag_bevoegdheid=int(bool(afnemer.get("adresvraag"))),
                ad_hoc_rubrieken=" ".join(str(r) for r in afnemer.get("rubrieken", [])),
                ad_hoc_zoek_rubrieken=" ".join(str(r) for r in afnemer.get("zoekrubrieken", [])),
                mijn_overheid=int(bool(afnemer.get("mijn_overheid"))),
                tabel_regel_start_datum=int(afnemer["datum_ingang"]) if "datum_ingang" in afnemer else None,
                tabel_regel_eind_datum=int(afnemer["datum_einde"]) if "datum_einde" in afnemer else None,
                gemeente_code=int(afnemer["gemeente_code"]) if "gemeente_code" in afnemer else None))
            if (afnemer.get("voorwaarderegel") or "").strip():
                conn.execute(insert(lo3_voorwaarde_regel_aut).values(
                    voorwaarde_type=AD_HOC_VOORWAARDE, voorwaarde_regel=afnemer["voorwaarderegel"],
                    autorisatie_id=next_id))
            for gebruiker in afnemer["gebruikers"]:
                conn.execute(insert(adhoc_gebruiker).values(
                    gebruikersnaam=gebruiker["gebruikersnaam"], afnemer_code=code,
                    wachtwoord_hash=hasher.hash(gebruiker["wachtwoord"]),
                    wachtwoord_geldig_tot=int(gebruiker["wachtwoord_geldig_tot"]),
                    actief=int(gebruiker.get("actief", True))))
            next_id += 1
    return Loaded(len(afnemers), len(mailboxen))
