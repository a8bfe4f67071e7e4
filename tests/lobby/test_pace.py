"""The estimated wait a ticket machine shows: from the service's own pace today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lobby.pace import estimated_wait_s
from lobby.queue import QueueModel

NOW = datetime(2026, 11, 28, 11, 0).astimezone()


@dataclass(frozen=True)
class Done:
    first_service: str
    first_called_at: datetime | None


def called_every(minutes: float, count: int, service: str = "general") -> list[Done]:
    return [Done(service, NOW - timedelta(minutes=minutes * i)) for i in range(count)]


def test_unknown_until_the_service_has_a_pace() -> None:
    assert estimated_wait_s(called_every(4, 2), "general", 5, NOW) is None
    assert estimated_wait_s(called_every(4, 3), "general", 5, NOW) == 4 * 60 * 5.5


def test_only_the_services_own_recent_calls_count() -> None:
    other = called_every(1, 10, "vip")
    old = [Done("general", NOW - timedelta(hours=3, minutes=i)) for i in range(10)]
    assert estimated_wait_s([*other, *old], "general", 3, NOW) is None
    assert estimated_wait_s([*other, *called_every(6, 4)], "general", 1, NOW) == 6 * 60 * 1.5


@given(
    minutes=st.floats(0.5, 30),
    count=st.integers(3, 30),
    ahead=st.integers(0, 200),
)
def test_more_people_ahead_never_means_a_shorter_wait(
    minutes: float, count: int, ahead: int
) -> None:
    calls = called_every(minutes, count)
    now_wait = estimated_wait_s(calls, "general", ahead, NOW)
    later_wait = estimated_wait_s(calls, "general", ahead + 1, NOW)
    assert now_wait is not None and later_wait is not None
    assert 0 <= now_wait <= later_wait
    assert abs(later_wait - now_wait - minutes * 60) <= 1  # one more person, one more interval


def test_a_ticket_carries_its_language_and_its_estimate_to_every_call() -> None:
    model = QueueModel({"general": "A"}, {"1": ("general",), "2": ("general",)})
    model.new_day("2026-11-28")
    for i in range(4):  # the morning's pace: a call every 5 minutes
        model.issue("general", NOW - timedelta(minutes=30 - i))
        model.next(str(1 + i % 2), NOW - timedelta(minutes=20 - 5 * i))
    issued = model.issue("general", NOW, "en").issued
    assert issued is not None and issued.lang == "en"
    assert issued.waiting_before == 0 and issued.est_wait_s == round(5 * 60 * 0.5)
    called = model.next("1", NOW + timedelta(minutes=3)).called
    assert called is not None and called.ticket == issued.ticket and called.lang == "en"
    recalled = model.recall("1").called
    assert recalled is not None and recalled.lang == "en"


def test_a_call_exactly_the_window_ago_still_counts() -> None:
    calls = [Done("general", NOW - timedelta(hours=2)), *called_every(30, 3)[:2]]
    assert estimated_wait_s(calls, "general", 0, NOW) == round(60 * 60 * 0.5)


def test_the_language_asked_for_is_the_tickets() -> None:
    from lobby.contract import TicketRequest

    model = QueueModel({"general": "A"}, {"1": ("general",)})
    model.new_day("2026-11-28")
    issued = model.apply(TicketRequest("k-1", "general", NOW, lang="en"), NOW).issued
    assert issued is not None and issued.lang == "en"
    assert model.tickets[issued.ticket].lang == "en"
