"""The lobby's day: the next opening, the last closing, the week as a notice says it, and
the phase the board and the voice follow (open, closing while the last customers are
called, closed)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from lobby.day import CALL_GRACE, CLOSED, CLOSING, OPEN, day_start, day_view, reset_inside
from lobby.hours import ALWAYS, OpeningHours, parse_spans

HZ = timezone(timedelta(hours=8))
WEDNESDAY = date(2026, 11, 25)
WEEK = OpeningHours(
    tuple(parse_spans(t) for t in ["08:30-12:00, 13:30-17:00"] * 5 + ["09:00-12:00", ""])
)
RESET = time(4, 0)
HOUR = timedelta(hours=1)


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), HZ)


def test_the_next_opening_is_after_lunch_tomorrow_or_after_the_weekend() -> None:
    assert WEEK.next_opening(at(WEDNESDAY, "07:00")) == at(WEDNESDAY, "08:30")
    assert WEEK.next_opening(at(WEDNESDAY, "12:30")) == at(WEDNESDAY, "13:30")
    assert WEEK.next_opening(at(WEDNESDAY, "17:00")) == at(WEDNESDAY + timedelta(1), "08:30")
    saturday = WEDNESDAY + timedelta(days=3)
    assert WEEK.next_opening(at(saturday, "12:00")) == at(saturday + timedelta(2), "08:30")
    holiday = OpeningHours(WEEK.week, frozenset({WEDNESDAY + timedelta(1)}))
    assert holiday.next_opening(at(WEDNESDAY, "18:00")) == at(WEDNESDAY + timedelta(2), "08:30")
    assert ALWAYS.next_opening(at(WEDNESDAY, "18:00")) is None


def test_the_last_closing_is_the_end_of_the_last_span_before_now() -> None:
    assert WEEK.last_closing(at(WEDNESDAY, "19:00")) == at(WEDNESDAY, "17:00")
    assert WEEK.last_closing(at(WEDNESDAY, "12:10")) == at(WEDNESDAY, "12:00")
    assert WEEK.last_closing(at(WEDNESDAY, "08:00")) == at(WEDNESDAY - timedelta(1), "17:00")
    monday = WEDNESDAY - timedelta(days=2)
    assert WEEK.last_closing(at(monday, "07:00")) == at(monday - timedelta(2), "12:00")


def test_spans_that_run_through_midnight_are_one_opening() -> None:
    late = OpeningHours(tuple(parse_spans(t) for t in ["18:00-24:00", "00:00-02:00"] + [""] * 5))
    monday = WEDNESDAY - timedelta(days=2)
    assert late.is_open(at(monday, "23:59"))
    assert late.next_opening(at(monday, "17:00")) == at(monday, "18:00")
    assert late.next_opening(at(monday, "19:00")) == at(monday + timedelta(7), "18:00")
    assert late.last_closing(at(monday + timedelta(1), "03:00")) == at(
        monday + timedelta(1), "02:00"
    )


def test_the_week_reads_in_runs_of_days() -> None:
    assert WEEK.runs() == [(0, 4, "08:30-12:00, 13:30-17:00"), (5, 5, "09:00-12:00"), (6, 6, "")]


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 1)))
def test_the_next_opening_is_always_later_and_open(naive: datetime) -> None:
    wall = naive.replace(tzinfo=HZ)
    opens = WEEK.next_opening(wall)
    assert opens is not None and opens > wall and WEEK.is_open(opens)
    assert not WEEK.is_open(opens - timedelta(microseconds=1)) or WEEK.is_open(wall)
    closed = WEEK.last_closing(wall)
    assert closed is not None and closed <= wall and not WEEK.is_open(closed)


def view(hhmm: str, waiting: int = 0, last_call: str | None = None, day: date = WEDNESDAY):
    called = at(day, last_call) if last_call else None
    return day_view(WEEK, at(day, hhmm), waiting, called, HOUR, RESET)


def test_open_within_the_hours_closed_before() -> None:
    assert view("10:00").phase == OPEN
    morning = view("08:00", waiting=3)  # yesterday's leftovers keep nothing open
    assert morning.phase == CLOSED and morning.opens == at(WEDNESDAY, "08:30")
    assert not morning.speaks and view("08:30").speaks


def test_after_closing_the_last_customers_are_still_called() -> None:
    assert view("17:20", waiting=2).phase == CLOSING  # tellers are finishing
    assert view("17:20", waiting=2).speaks
    assert view("17:59", waiting=1).phase == CLOSING
    gone = view("18:00", waiting=1)  # at most closing_min: the rest went home
    assert gone.phase == CLOSED and gone.since == at(WEDNESDAY, "18:00")


def test_the_last_call_keeps_the_voice_for_a_recall_then_the_lobby_closes() -> None:
    assert view("17:05", last_call="17:00").phase == CLOSING
    closed = view("17:12", last_call="17:00")
    assert closed.phase == CLOSED and closed.since == at(WEDNESDAY, "17:00") + CALL_GRACE
    early = view("17:01", last_call="16:10")
    assert early.phase == CLOSED and early.since == at(WEDNESDAY, "17:00")
    assert view("17:01").phase == CLOSED  # nobody waiting, no recent call: closed at once


def test_a_lunch_break_is_a_closing_too() -> None:
    lunch = view("12:05", waiting=1)
    assert lunch.phase == CLOSING and lunch.opens == at(WEDNESDAY, "13:30")
    assert view("13:00", waiting=1).phase == CLOSED


def test_the_days_start_and_a_reset_inside_the_hours() -> None:
    assert day_start(at(WEDNESDAY, "03:00"), RESET) == at(WEDNESDAY - timedelta(1), "04:00")
    assert day_start(at(WEDNESDAY, "04:00"), RESET) == at(WEDNESDAY, "04:00")
    assert reset_inside(WEEK, time(4)) is None
    assert reset_inside(WEEK, time(8, 30)) is None  # the day begins at opening: fine
    assert reset_inside(WEEK, time(12, 30)) is None  # lunch
    assert reset_inside(WEEK, time(9)) == ("mon", "08:30-12:00")
    assert reset_inside(ALWAYS, time(4)) is None
    assert reset_inside(OpeningHours((*WEEK.week[:6], parse_spans("00:00-24:00"))), time(4)) == (
        "sun",
        "00:00-24:00",
    )
