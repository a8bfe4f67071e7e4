"""The day's pace: about how long a ticket issued now waits for its first call.

From the service's own recent calls: the mean time between its last first-calls (at most
ten, within two hours) times the people ahead, plus half an interval for one's own turn.
Unknown (None) until the service has made three first calls in that window: a guess from
nothing would be a promise the lobby cannot keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

WINDOW = timedelta(hours=2)
LAST_CALLS = 10
AT_LEAST = 3


class CalledTicket(Protocol):
    @property
    def first_service(self) -> str: ...

    @property
    def first_called_at(self) -> datetime | None: ...


def estimated_wait_s(
    tickets: Iterable[CalledTicket], service: str, ahead: int, now: datetime
) -> int | None:
    """Seconds a new ticket of ``service`` with ``ahead`` people before it may wait."""
    firsts = sorted(
        t.first_called_at
        for t in tickets
        if t.first_service == service
        and t.first_called_at is not None
        and timedelta(0) <= now - t.first_called_at <= WINDOW
    )[-LAST_CALLS:]
    if len(firsts) < AT_LEAST:
        return None
    interval = (firsts[-1] - firsts[0]).total_seconds() / (len(firsts) - 1)
    return round(interval * (ahead + 0.5))
