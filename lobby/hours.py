"""Opening hours: when the lobby takes tickets (and, later, when the board and voice work).

Per weekday, zero or more spans of local time ("08:30-12:00, 13:30-17:00"), and dates
the lobby is closed (holidays). Without an ``[hours]`` table a lobby is always open.
Time is passed in: nothing here reads a clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")


@dataclass(frozen=True)
class Span:
    """One stretch of a day the lobby is open, ``start`` included, ``end`` excluded."""

    start: time
    end: time

    def covers(self, moment: time) -> bool:
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return (
            f"{self.start:%H:%M}-{self.end:%H:%M}"
            if self.end != time.max
            else (f"{self.start:%H:%M}-24:00")
        )


def parse_spans(text: str) -> tuple[Span, ...]:
    """ "08:30-12:00, 13:30-17:00" -> spans; "" -> closed that day. ValueError says why."""
    spans: list[Span] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = _SPAN_RE.fullmatch(part)
        if match is None:
            raise ValueError(f"{part!r} is not a span like 08:30-17:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start = time(h1, m1)
        end = time.max if (h2, m2) == (24, 0) else time(h2 % 24, m2)
        if (h2 == 24 and m2 != 0) or end <= start:
            raise ValueError(f"{part!r} ends before it starts")
        if spans and start < spans[-1].end:
            raise ValueError(f"{part!r} overlaps the span before it")
        spans.append(Span(start, end))
    return tuple(spans)


@dataclass(frozen=True)
class OpeningHours:
    """The lobby's week and its closed dates."""

    week: tuple[tuple[Span, ...], ...] = ()
    """Seven entries, Monday first; empty: open at all hours (no ``[hours]`` table)."""
    closed: frozenset[date] = field(default_factory=frozenset)

    @property
    def always(self) -> bool:
        return not self.week

    def spans_on(self, day: date) -> tuple[Span, ...]:
        if self.always:
            return (Span(time.min, time.max),)
        if day in self.closed:
            return ()
        return self.week[day.weekday()]

    def is_open(self, wall: datetime) -> bool:
        return any(span.covers(wall.time()) for span in self.spans_on(wall.date()))

    def text(self, day: date) -> str:
        """The day's hours as the lobby reads them ("08:30-12:00, 13:30-17:00"; "" closed)."""
        return ", ".join(str(span) for span in self.spans_on(day))


ALWAYS = OpeningHours()
