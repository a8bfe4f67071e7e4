"""Opening hours: when the lobby takes tickets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lobby.hours import ALWAYS, OpeningHours, Span, parse_spans

MONDAY = date(2026, 11, 23)


def week(*days: str) -> OpeningHours:
    texts = list(days) + [""] * (7 - len(days))
    return OpeningHours(tuple(parse_spans(t) for t in texts))


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm))


def test_spans_read_as_a_lobby_writes_them() -> None:
    assert parse_spans("08:30-12:00, 13:30-17:00") == (
        Span(time(8, 30), time(12, 0)),
        Span(time(13, 30), time(17, 0)),
    )
    assert parse_spans("") == () and parse_spans(" , ") == ()
    (whole,) = parse_spans("00:00-24:00")
    assert whole.covers(time(23, 59, 59)) and str(whole) == "00:00-24:00"
    assert str(parse_spans("09:05-17:45")[0]) == "09:05-17:45"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("9-17", "is not a span like 08:30-17:00"),
        ("08:30-17:60", "is not a span"),
        ("17:00-08:30", "ends before it starts"),
        ("08:00-08:00", "ends before it starts"),
        ("24:00-24:00", "is not a span"),
        ("00:00-24:30", "ends before it starts"),
        ("08:00-12:00, 11:00-17:00", "overlaps the span before it"),
    ],
)
def test_a_span_that_is_not_one_says_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_spans(text)


def test_open_within_a_span_start_included_end_excluded() -> None:
    hours = week("08:30-12:00, 13:30-17:00")
    assert not hours.is_open(at(MONDAY, "08:29"))
    assert hours.is_open(at(MONDAY, "08:30")) and hours.is_open(at(MONDAY, "11:59"))
    assert not hours.is_open(at(MONDAY, "12:00")) and not hours.is_open(at(MONDAY, "13:00"))
    assert hours.is_open(at(MONDAY, "16:59")) and not hours.is_open(at(MONDAY, "17:00"))
    assert not hours.is_open(at(MONDAY + timedelta(days=1), "10:00"))  # Tuesday: closed
    assert hours.text(MONDAY) == "08:30-12:00, 13:30-17:00"
    assert hours.text(MONDAY + timedelta(days=1)) == ""


def test_a_closed_date_closes_its_weekday_that_day_only() -> None:
    hours = OpeningHours(week(*["09:00-17:00"] * 7).week, frozenset({MONDAY}))
    assert not hours.is_open(at(MONDAY, "10:00")) and hours.text(MONDAY) == ""
    assert hours.is_open(at(MONDAY + timedelta(days=7), "10:00"))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_without_hours_a_lobby_is_always_open(moment: datetime) -> None:
    assert ALWAYS.always and ALWAYS.is_open(moment)
    assert ALWAYS.text(moment.date()) == "00:00-24:00"


@given(
    st.integers(0, 6),
    st.times(),
    st.integers(0, 22).flatmap(lambda h: st.tuples(st.just(h), st.integers(h + 1, 23))),
)
def test_open_exactly_on_the_weekday_and_inside_the_span(
    weekday: int, moment: time, hours_: tuple[int, int]
) -> None:
    start, end = hours_
    texts = [""] * 7
    texts[weekday] = f"{start:02d}:00-{end:02d}:00"
    hours = week(*texts)
    day = MONDAY + timedelta(days=weekday)
    assert not hours.always
    assert hours.is_open(datetime.combine(day, moment)) == (time(start) <= moment < time(end))
    other = MONDAY + timedelta(days=(weekday + 1) % 7)
    assert not hours.is_open(datetime.combine(other, moment))


def test_an_empty_piece_between_spans_is_skipped_and_touching_spans_are_fine() -> None:
    assert parse_spans("08:00-12:00, , 13:00-17:00") == (
        Span(time(8), time(12)),
        Span(time(13), time(17)),
    )
    assert len(parse_spans("08:00-12:00, 12:00-17:00")) == 2  # touching, not overlapping
