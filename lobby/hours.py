"""Opening hours: when the lobby takes tickets (and, later, when the board and voice work).

Per weekday, zero or more spans of local time ("08:30-12:00, 13:30-17:00"), and dates
the lobby is closed (holidays). Without an ``[hours]`` table a lobby is always open.
Time is passed in: nothing here reads a clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")


@dataclass(frozen=True)
class Span:
    """One stretch of a day the lobby is open, ``start`` included, ``end`` excluded."""

    start: time
    end: time

    def covers(self, moment: time) -> bool:
        return self.start <= moment and (moment < self.end or self.end == time.max)

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
    closing_min: int = 60
    """After closing time, how long at most the tellers go on calling the customers still
    waiting (the board and the voice stay on for them); see lobby/day.py."""

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

    def next_opening(self, wall: datetime) -> datetime | None:
        """The next moment after ``wall`` the lobby opens (a span starts that does not
        continue an open one), in ``wall``'s time zone; None if it never opens again
        (every day from here on a closed date, or no hours at all)."""
        if self.always:
            return None
        for ahead in range(SEARCH_DAYS):
            day = wall.date() + timedelta(days=ahead)
            for span in self.spans_on(day):
                start = datetime.combine(day, span.start, wall.tzinfo)
                if start > wall and not self.is_open(start - timedelta(microseconds=1)):
                    return start
        return None

    def last_closing(self, wall: datetime) -> datetime | None:
        """The last moment at or before ``wall`` the lobby closed (a span ended that no
        other span carries on), within the week before; None if it has not closed since."""
        if self.always:
            return None
        for back in range(8):
            day = wall.date() - timedelta(days=back)
            for span in reversed(self.spans_on(day)):
                end = _end_of(day, span, wall)
                if end <= wall and not self.is_open(end):
                    return end
        return None

    def runs(self) -> list[tuple[int, int, str]]:
        """The week as a notice shows it: runs of weekdays with the same hours, as
        (first weekday, last weekday, their hours or "" closed), Monday = 0."""
        if self.always:
            return [(0, 6, "00:00-24:00")]
        runs: list[tuple[int, int, str]] = []
        for weekday, spans in enumerate(self.week):
            text = ", ".join(str(span) for span in spans)
            if runs and runs[-1][2] == text:
                runs[-1] = (runs[-1][0], weekday, text)
            else:
                runs.append((weekday, weekday, text))
        return runs


def _end_of(day: date, span: Span, wall: datetime) -> datetime:
    """When a span of ``day`` ends: 24:00 is the next day's midnight."""
    if span.end == time.max:
        return datetime.combine(day + timedelta(days=1), time.min, wall.tzinfo)
    return datetime.combine(day, span.end, wall.tzinfo)


SEARCH_DAYS = 400
"""How far ahead the next opening is looked for: past a year of closed dates."""


ALWAYS = OpeningHours()
