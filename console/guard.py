"""Who is asking, and may they: the session, the role, the counter and the CSRF token.

Sessions are Starlette's signed cookies (itsdangerous); they hold the staff name, when the
login was made and a CSRF token, and nothing else. Every request reads the account again
(a removed account or a moved teller counts at once) and every POST must carry the
session's CSRF token (a form field or the ``X-CSRF-Token`` header) besides the cookie,
which is SameSite=Strict. A refusal is a ``Refusal``: one polite sentence and a 4xx, and
nothing reaches the broker, because every check runs before anything is published.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from config.settings import Config, Counter
from console.accounts import Accounts, Staff

CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


class Refusal(Exception):
    """A request the console will not carry out: the status and a sentence for the person."""

    def __init__(self, status: int, message: str, login: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.login = login
        """Send a page request to the login page instead of showing the sentence."""


@dataclass(frozen=True)
class Guard:
    config: Config
    accounts: Accounts

    def csrf_token(self, request: Request) -> str:
        """The session's token, made on first use (the login form needs one too)."""
        session = request.session
        if CSRF_FIELD not in session:
            session[CSRF_FIELD] = secrets.token_urlsafe(24)
        return str(session[CSRF_FIELD])

    def login(self, request: Request, staff: Staff) -> None:
        """A new session for this person: nothing of the one before is kept."""
        request.session.clear()
        request.session.update(
            {"user": staff.name, "since": time.time(), CSRF_FIELD: secrets.token_urlsafe(24)}
        )

    def staff(self, request: Request) -> Staff | None:
        """The person logged in, while their login lasts and their account exists."""
        session = request.session
        name, since = session.get("user"), session.get("since")
        if not isinstance(name, str) or not isinstance(since, int | float):
            return None
        if time.time() - since > self.config.console.session_hours * 3600:
            session.clear()
            return None
        return self.accounts.get(name)

    def need_staff(self, request: Request) -> Staff:
        staff = self.staff(request)
        if staff is None:
            raise Refusal(401, "Please log in to continue.", login=True)
        return staff

    def need_manager(self, request: Request) -> Staff:
        staff = self.need_staff(request)
        if not staff.is_manager:
            raise Refusal(403, "This page is for the branch manager; your account serves counters.")
        return staff

    def need_counter(self, request: Request, counter_id: str) -> tuple[Staff, Counter]:
        staff = self.need_staff(request)
        counter = next((c for c in self.config.counters if c.id == counter_id), None)
        if counter is None:
            raise Refusal(404, f"This lobby has no counter {counter_id[:16]!r}.")
        if not staff.may_serve(counter.id):
            raise Refusal(
                403,
                f"Your account serves other counters than counter {counter.id}. "
                "Please choose one of yours.",
            )
        return staff, counter

    def check_csrf(self, request: Request, form: Any) -> None:
        """The token from the header or the form must be this session's own."""
        sent = request.headers.get(CSRF_HEADER) or (form.get(CSRF_FIELD) if form else None)
        known = request.session.get(CSRF_FIELD)
        if not isinstance(sent, str) or not isinstance(known, str):
            raise Refusal(403, "This form has expired. Please reload the page and try again.")
        if not secrets.compare_digest(sent.encode(), known.encode()):
            raise Refusal(403, "This form has expired. Please reload the page and try again.")


def wants_json(request: Request) -> bool:
    """The page's own script asks for JSON; a plain form post wants a page."""
    return request.headers.get("x-requested-with") == "console"


class LoginThrottle:
    """Five wrong passwords for a name within five minutes: that name waits (a guesser
    at a branch PC gets a handful of tries, a teller with a typo gets a sentence)."""

    TRIES = 5
    WINDOW_S = 300.0

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}

    def too_many(self, name: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self._failures.get(name, []) if now - t < self.WINDOW_S]
        self._failures[name] = recent
        return len(recent) >= self.TRIES

    def failed(self, name: str) -> None:
        self._failures.setdefault(name, []).append(time.monotonic())

    def forget(self, name: str) -> None:
        self._failures.pop(name, None)
