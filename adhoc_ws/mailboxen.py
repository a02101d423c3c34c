"""The mailboxes of the BRP Berichten API: who they are, and logging in to one.

Mailboxes come from the autorisatie file (``"mailboxen"``, loaded with ``adhoc-ws afnemers``,
see :mod:`adhoc_ws.accounts`), their passwords as argon2 hashes. A party logs in with its
mailbox number as user name, as in the API's demo and local environments; the password
check, the lock-out after repeated failures and the memory of verified passwords are those of
the accounts (:class:`adhoc_ws.accounts.Passwords`). A wrong number, a wrong password and a
locked mailbox all fail alike; only a mailbox switched off in the file (``"actief": false``),
with the right password, is told it is blocked. A bearer token (:mod:`adhoc_ws.oauth`) stands
for the password as long as its mailbox exists and is on.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from .accounts import REMEMBER_LOGIN, Passwords
from .storage.schema import berichten_mailbox

MAX_NUMBER = 9_999_999


@dataclass(frozen=True)
class Mailbox:
    nummer: int
    naam: str
    berichten_api: bool  # False: the party reads free text (Vb01) instead of the new JSON messages
    actief: bool = True


class LoginFailed(Exception):
    """Not logged in; ``blocked`` when the mailbox exists, the password is right, but it is off."""

    def __init__(self, blocked: bool = False):
        super().__init__("blocked" if blocked else "wrong credentials")
        self.blocked = blocked


def number(text) -> int | None:
    """A mailbox number as clients write it (``"0599010"``, ``599010``), or None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if 0 <= text <= MAX_NUMBER else None
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 7:
        return int(text)
    return None


class Mailboxen:
    """Logging in to a mailbox, and looking mailboxes up."""

    def __init__(self, engine: Engine, *, clock=time.time):
        self.engine, self.clock = engine, clock
        self.passwords = Passwords(engine, berichten_mailbox, berichten_mailbox.c.mailbox, clock=clock)
        self._logins: dict[tuple[int, bytes], tuple[float, Mailbox]] = {}
        self._lock = threading.Lock()

    def login(self, user: str | None, password: str | None) -> Mailbox:
        """The mailbox ``user`` (its number) with ``password``, or :class:`LoginFailed`."""
        nummer = number(user)
        if nummer is None or not password:
            raise LoginFailed()
        key = (nummer, self.passwords.digest(password))
        with self._lock:
            remembered = self._logins.get(key)
        if remembered and remembered[0] > self.clock():
            if not self.passwords.still_good(nummer, password):
                raise LoginFailed()  # locked meanwhile
            return remembered[1]
        row = self.passwords.check(nummer, password)
        if row is None:
            raise LoginFailed()
        if not row.actief:
            raise LoginFailed(blocked=True)
        mailbox = _mailbox(row)
        with self._lock:
            self._logins[key] = (self.clock() + REMEMBER_LOGIN, mailbox)
        return mailbox

    def verified(self, user: str) -> Mailbox:
        """The mailbox a bearer token was issued to (its password checked then), as long as it
        exists and is on; else :class:`LoginFailed`."""
        nummer = number(user)
        mailbox = self.get(nummer) if nummer is not None else None
        if mailbox is None:
            raise LoginFailed()
        if not mailbox.actief:
            raise LoginFailed(blocked=True)
        return mailbox

    def get(self, nummer: int) -> Mailbox | None:
        """The mailbox with this number, if there is one."""
        with self.engine.connect() as conn:
            row = conn.execute(select(berichten_mailbox).where(
                berichten_mailbox.c.mailbox == nummer)).one_or_none()
        return _mailbox(row) if row is not None else None


def _mailbox(row) -> Mailbox:
    return Mailbox(row.mailbox, row.naam, bool(row.berichten_api), bool(row.actief))
