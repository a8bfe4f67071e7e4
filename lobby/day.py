"""The lobby's day as the screen lives it: open, closing, or closed.

Opening hours say when tickets are taken. The board and the voice follow them with one
difference a branch relies on: at closing time the doors shut but the customers already
inside still hold tickets, and the tellers go on calling them. So after a span ends the
lobby is *closing* while anyone is still waiting, and for ``CALL_GRACE`` after the last call
(a customer who did not come at once is called again), for at most ``closing`` after
closing time (customers who went home leave tickets behind); then it is *closed*: the board
shows the closed page and the voice is silent. A call made while closed (a teller trying
the buttons before opening) does not reopen anything. Waiting counts left over from the
day before (an engine that never began a new day) do not keep a lobby closing past the
day's boundary. Time is passed in: nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from lobby.hours import OpeningHours

OPEN, CLOSING, CLOSED = "open", "closing", "closed"
CALL_GRACE = timedelta(minutes=10)
"""After closing time, how long after a call the lobby stays closing though nobody else
waits: the customer just called may need calling again."""


@dataclass(frozen=True)
class DayView:
    """What the board needs to know of the day at one moment."""

    phase: str
    """``open``, ``closing`` (after hours, customers still being called) or ``closed``."""
    opens: datetime | None = None
    """While not open: when the lobby next opens (None: not known)."""
    since: datetime | None = None
    """While closed: since when (the end of the last span, or of the closing time)."""

    @property
    def speaks(self) -> bool:
        """The voice calls numbers (open, or closing: the customers inside still listen)."""
        return self.phase != CLOSED


def day_start(wall: datetime, reset: time) -> datetime:
    """The start of the lobby's day that ``wall`` belongs to (its numbering's day)."""
    start = datetime.combine(wall.date(), reset, wall.tzinfo)
    return start if start <= wall else start - timedelta(days=1)


def reset_inside(hours: OpeningHours, reset: time) -> tuple[str, str] | None:
    """A weekday and its span that ``reset`` falls strictly inside (the day's numbering
    would restart while the lobby is open), or None. A reset at a span's very start is
    fine: the day then begins at opening."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for weekday, spans in enumerate(hours.week):
        for span in spans:
            if span.start < reset and span.covers(reset):
                return names[weekday], str(span)
    return None


def day_view(
    hours: OpeningHours,
    wall: datetime,
    waiting: int,
    last_call: datetime | None,
    closing: timedelta,
    reset: time,
) -> DayView:
    """The phase of the lobby at ``wall``: ``waiting`` people still hold tickets (as the
    engine last said), ``last_call`` is when the board last took a call it spoke, and
    ``closing`` is the longest the tellers go on calling after closing time."""
    if hours.is_open(wall):
        return DayView(OPEN)
    opens = hours.next_opening(wall)
    closed_at = hours.last_closing(wall)
    if closed_at is None or closed_at < day_start(wall, reset):
        return DayView(CLOSED, opens, closed_at)
    cap = closed_at + closing
    recent = last_call + CALL_GRACE if last_call is not None else closed_at
    if wall < cap and (waiting > 0 or wall < recent):
        return DayView(CLOSING, opens)
    since = cap if waiting > 0 else min(cap, max(closed_at, recent))
    return DayView(CLOSED, opens, since)
