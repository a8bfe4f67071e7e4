"""Staff accounts: who may log in to the console, as what, for which counters.

One JSON file (``[console] users``), written by ``callboard console-user`` and read by the
console, which reads it again whenever it changes: an account removed, or a teller moved
to other counters, takes effect at the next click, without a restart. Passwords are kept
only as argon2id hashes (argon2-cffi's defaults, RFC 9106's second recommendation).

A teller acts for the counters listed; a manager edits notices and reads the devices and
figures, and acts for counters only when counters are listed too (least privilege: the
manager covering counter 1 at lunch is given counter 1).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
ROLES = ("teller", "manager")
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
# Verifying against this when the name is unknown costs what a real check costs, so the
# time of an answer does not tell which staff names exist.
_DUMMY_HASH = _HASHER.hash("not anyone's password")


class AccountError(ValueError):
    """A request to change the accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class Staff:
    """One person who may log in."""

    name: str
    role: str
    """``teller`` or ``manager``."""
    counters: tuple[str, ...]
    """The counters this person may act for."""
    password_hash: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    def may_serve(self, counter: str) -> bool:
        return counter in self.counters

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "role": self.role,
            "counters": list(self.counters),
            "hash": self.password_hash,
        }


def _staff(item: object) -> Staff:
    if not isinstance(item, dict):
        raise AccountError("an entry is not an object")
    name, role, counters, hashed = (item.get(k) for k in ("name", "role", "counters", "hash"))
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise AccountError(f"{name!r} is not a staff name")
    if role not in ROLES or not isinstance(hashed, str):
        raise AccountError(f"{name}: no role or no password hash")
    if not isinstance(counters, list) or not all(isinstance(c, str) for c in counters):
        raise AccountError(f"{name}: counters is not a list of counter ids")
    return Staff(name, str(role), tuple(counters), hashed)


def read_accounts(path: Path) -> dict[str, Staff]:
    """Every account in the file; none when there is no file yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise AccountError(f"{path}: not a staff accounts file ({exc})") from None
    items = data.get("staff") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise AccountError(f"{path}: not a staff accounts file (no list 'staff')")
    staff = [_staff(item) for item in items]
    return {person.name: person for person in staff}


def write_accounts(path: Path, staff: dict[str, Staff]) -> None:
    """Atomically, readable by its owner and group only (it holds password hashes)."""
    body = {"v": 1, "staff": [staff[name].as_json() for name in sorted(staff)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(body, file, indent=1)
            file.write("\n")
        os.chmod(temporary, 0o640)
        _group_of_folder(Path(temporary), path.parent)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _group_of_folder(file: Path, folder: Path) -> None:
    """Root writes the file in /etc/callboard (root:callboard, 0750): it takes the folder's
    group, so the console's own user can read it and nobody else."""
    try:
        os.chown(file, -1, folder.stat().st_gid)
    except PermissionError:  # not root: the file keeps its writer's group
        return


def new_staff(name: str, role: str, counters: tuple[str, ...], password: str) -> Staff:
    """A new account, its password hashed; AccountError says what is wrong with it."""
    if not NAME_RE.fullmatch(name):
        raise AccountError(
            f"{name!r} is not a staff name: 1-32 of a-z, 0-9, '.', '_' and '-', "
            "starting with a letter or digit"
        )
    if role not in ROLES:
        raise AccountError(f"{role!r} is not a role; expected teller or manager")
    if role == "teller" and not counters:
        raise AccountError("a teller needs at least one counter (--counter ID)")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: at least {MIN_PASSWORD} characters")
    return Staff(name, role, counters, _HASHER.hash(password))


class Accounts:
    """The accounts file as the console sees it: read again when it changes on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._staff: dict[str, Staff] = {}

    def _fresh(self) -> dict[str, Staff]:
        try:
            stat = self.path.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or stamp is None:
                self._staff = read_accounts(self.path) if stamp is not None else {}
                self._stamp = stamp
            return self._staff

    def get(self, name: str) -> Staff | None:
        return self._fresh().get(name)

    def check(self, name: str, password: str) -> Staff | None:
        """The person, when the password is theirs; None otherwise (in the same time)."""
        person = self._fresh().get(name)
        try:
            _HASHER.verify(person.password_hash if person else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return person
