"""The ``[hours]`` table: the lobby's opening hours per weekday, and its closed dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from config.reader import Reader
from lobby.hours import ALWAYS, WEEKDAYS, OpeningHours, Span, parse_spans


def read_hours(r: Reader, given: bool) -> OpeningHours:
    """Each weekday a text of spans ("08:30-17:00", "" closed); ``closed`` a list of dates;
    ``closing_minutes`` how long after closing the tellers may go on calling."""
    if not given:
        r.finish()
        return ALWAYS
    week: list[tuple[Span, ...]] = []
    for day in WEEKDAYS:
        text = r.text(day, "", expected='spans like "08:30-12:00, 13:30-17:00", or "" (closed)')
        try:
            week.append(parse_spans(text))
        except ValueError as exc:
            r.problem(day, text, f'spans like "08:30-12:00, 13:30-17:00" ({exc})')
            week.append(())
    closed: list[Any] = r.get(
        "closed", lambda v: isinstance(v, list), 'a list of dates like ["2026-12-25"]', []
    )
    dates: set[date] = set()
    for i, item in enumerate(closed):
        try:
            dates.add(date.fromisoformat(item) if isinstance(item, str) else date.fromisoformat(""))
        except ValueError:
            r.problem(f"closed[{i}]", item, "a date like 2026-12-25")
    closing = r.integer("closing_minutes", 60, 0, 240)
    r.finish()
    if not any(week):
        r.problem("mon", "", "at least one day with opening hours (or no [hours] table)")
    return OpeningHours(tuple(week), frozenset(dates), closing)
