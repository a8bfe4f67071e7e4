"""What the screen above one counter shows: the ticket it serves, closed, or a welcome; the
rating faces while the customer is invited to rate; thanks once they have.

It follows the engine's retained CounterState (the truth about the counter, at once on
start) and the calls to this counter (a new call or a recall flashes). Time is passed in
(the loop's monotonic seconds), like the board's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lobby.board import FLASH_PERIOD_S
from lobby.contract import CallEvent, CounterState

THANKS_S = 3.0
"""How long the thanks stay after a rating."""

SERVING, CLOSED, IDLE, RATING, THANKS = "serving", "closed", "idle", "rating", "thanks"


@dataclass(frozen=True)
class CounterLook:
    """Everything the counter's page shows at one moment (the painter reads nothing else)."""

    phase: str
    """SERVING, CLOSED, IDLE, RATING or THANKS."""
    ticket: str | None = None
    """The ticket served (SERVING), or the one invited to rate (RATING)."""
    service: str = ""
    """The served ticket's service id, when known."""
    reason: str = ""
    """Why the counter is closed, as the teller said it."""
    bright: bool = False
    """The flash's phase: bright after a new call or a recall."""
    recall: bool = False
    """The flash is for a recall."""
    scale: int = 3
    """How many faces (RATING)."""
    chosen: int | None = None
    """The face touched, while the pad takes it."""


class CounterPage:
    """The state of one counter's page."""

    def __init__(
        self, counter: str, flash_seconds: float = 10.0, prefixes: dict[str, str] | None = None
    ) -> None:
        self.counter = counter
        self._flash_seconds = flash_seconds
        self._prefixes = prefixes or {}  # ticket prefix -> service id
        self.ticket: str | None = None
        self.service = ""
        self.open = True
        self.reason = ""
        self.known = False
        self._flash_started: float | None = None
        self._recall = False
        self._invited: tuple[str, int, float] | None = None  # ticket, scale, until
        self._chosen: int | None = None
        self._thanks_until = -math.inf

    # What arrives

    def apply_state(self, state: CounterState) -> bool:
        """The engine's word on this counter; False for another counter's."""
        if state.counter != self.counter:
            return False
        if state.ticket != self.ticket:
            self.service = self._service_of(state.ticket)
        self.ticket = state.ticket
        self.open = state.is_open
        self.reason = state.reason or ""
        self.known = True
        return True

    def apply_call(self, call: CallEvent, now: float, flash: bool = True) -> bool:
        """A call to this counter: its ticket is served now, flashing (unless ``flash`` is
        False: a call that arrived late); False for another counter's call."""
        if call.counter != self.counter:
            return False
        self.ticket = call.ticket
        self.service = call.service or self._service_of(call.ticket)
        if flash:
            self._flash_started = now
            self._recall = call.kind == "recall"
        return True

    def invite(self, ticket: str, scale: int, until: float) -> None:
        """The pad invites the customer just served to rate, until ``until``."""
        self._invited = (ticket, scale, until)
        self._chosen = None
        self._thanks_until = -math.inf

    def choose(self, score: int) -> None:
        """A face was touched: it stays marked while the pad takes it."""
        self._chosen = score

    def close_rating(self, score: int | None, now: float) -> None:
        """The invitation ended: rated (thanks for a moment) or not (back at once)."""
        self._invited = None
        self._chosen = None
        self._thanks_until = now + THANKS_S if score is not None else -math.inf

    # What it shows

    def inviting(self, now: float) -> tuple[str, int] | None:
        """The ticket and scale of an invitation showing now."""
        if self._invited is None or now >= self._invited[2]:
            return None
        return self._invited[0], self._invited[1]

    def look(self, now: float) -> CounterLook:
        if now < self._thanks_until:
            return CounterLook(THANKS)
        invited = self.inviting(now)
        if invited is not None:
            return CounterLook(RATING, invited[0], scale=invited[1], chosen=self._chosen)
        if not self.open:
            return CounterLook(CLOSED, reason=self.reason)
        if self.ticket is None:
            return CounterLook(IDLE)
        return CounterLook(
            SERVING, self.ticket, self.service, bright=self._bright(now), recall=self._recall
        )

    def flashing(self, now: float) -> bool:
        started = self._flash_started
        return started is not None and 0 <= now - started < self._flash_seconds

    def _bright(self, now: float) -> bool:
        if not self.flashing(now):
            return False
        assert self._flash_started is not None
        return (now - self._flash_started) % FLASH_PERIOD_S < FLASH_PERIOD_S / 2

    def next_change(self, now: float) -> float:
        """When the page changes by itself: the flash's next edge, the invitation's or the
        thanks' end (monotonic seconds), or ``inf``."""
        due = math.inf
        if self.flashing(now):
            assert self._flash_started is not None
            since = now - self._flash_started
            edge = self._flash_started + (math.floor(since / (FLASH_PERIOD_S / 2)) + 1) * (
                FLASH_PERIOD_S / 2
            )
            due = min(edge, self._flash_started + self._flash_seconds)
        if self._invited is not None and now < self._invited[2]:
            due = min(due, self._invited[2])
        if now < self._thanks_until:
            due = min(due, self._thanks_until)
        return due

    def _service_of(self, ticket: str | None) -> str:
        """The service a ticket's prefix names (a transferred ticket's call says better)."""
        if ticket is None:
            return ""
        letters = ticket.rstrip("0123456789")
        return self._prefixes.get(letters, "")
