"""The queue rules, by example and by hypothesis."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lobby.queue import CALLED, SKIPPED, WAITING, QueueModel

T0 = datetime(2026, 11, 25, 9, 0).astimezone()
SERVICES = {"general": "A", "consult": "C", "vip": "V", "cashier": "P"}
COUNTERS = {"1": ("vip", "general"), "2": ("general", "consult"), "6": ("cashier",)}


def model() -> QueueModel:
    m = QueueModel(SERVICES, COUNTERS)
    m.new_day("2026-11-25")
    return m


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_tickets_are_numbered_per_service_with_the_people_before_them() -> None:
    m = model()
    issued = [m.issue(s, at(i)).issued for i, s in enumerate(["general", "general", "vip"])]
    assert [(x.ticket, x.waiting_before) for x in issued if x] == [
        ("A001", 0),
        ("A002", 1),
        ("V001", 0),
    ]


def test_the_green_channel_serves_vip_first_then_general() -> None:
    m = model()
    m.issue("general", at(0))
    m.issue("vip", at(1))
    first = m.next("1", at(2)).called
    second = m.next("1", at(3)).called
    assert first is not None and first.ticket == "V001"
    assert second is not None and second.ticket == "A001"
    assert m.tickets["V001"].status == "served"


def test_recall_calls_the_same_ticket_again_and_changes_nothing() -> None:
    m = model()
    m.issue("general", at(0))
    m.next("2", at(1))
    effects = m.recall("2")
    assert effects.called is not None and effects.called.kind == "recall"
    assert effects.called.ticket == "A001" and not effects.changed


def test_skip_marks_a_no_show_and_calls_the_next() -> None:
    m = model()
    m.issue("general", at(0))
    m.issue("general", at(1))
    m.next("2", at(2))
    effects = m.skip("2", at(5))
    assert m.tickets["A001"].status == SKIPPED
    assert effects.called is not None and effects.called.ticket == "A002"


def test_transfer_puts_the_ticket_at_the_head_of_the_other_queue() -> None:
    m = model()
    for i in range(3):
        m.issue("cashier", at(i))
    m.issue("general", at(4))
    m.next("2", at(5))  # A001 at counter 2
    effects = m.transfer("2", "cashier", at(6))
    assert m.tickets["A001"].status == WAITING and m.tickets["A001"].service == "cashier"
    assert effects.called is None  # nobody else waits for counter 2
    assert [t.number for t in m.waiting("cashier")] == ["A001", "P001", "P002", "P003"]
    cashier = m.next("6", at(7)).called
    assert cashier is not None and cashier.ticket == "A001"


def test_nothing_to_do_says_why() -> None:
    m = model()
    assert m.next("2", at(0)).note == "no one is waiting for this counter"
    assert m.recall("2").note == "the counter serves nobody to recall"
    assert m.issue("nope", at(0)).note == "no service 'nope'"


operations = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.sampled_from(sorted(SERVICES))),
        st.tuples(st.sampled_from(["next", "recall", "skip"]), st.sampled_from(sorted(COUNTERS))),
        st.tuples(
            st.just("transfer"),
            st.sampled_from(sorted(COUNTERS)),
            st.sampled_from(sorted(SERVICES)),
        ),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_invariants_hold_whatever_the_lobby_does(ops: list[tuple[str, ...]]) -> None:
    m = model()
    calls = 0
    for i, op in enumerate(ops):
        now = at(i)
        if op[0] == "issue":
            m.issue(op[1], now)
        elif op[0] == "transfer":
            m.transfer(op[1], op[2], now)
        elif op[0] == "recall":
            m.recall(op[1])
        else:
            effects = getattr(m, op[0])(op[1], now)
            calls += effects.called is not None
    # Numbering per service has no gaps and no repeats.
    for service, prefix in SERVICES.items():
        numbers = sorted(
            int(t.number[len(prefix) :]) for t in m.tickets.values() if t.number.startswith(prefix)
        )
        assert numbers == list(range(1, len(numbers) + 1))
        assert m.issued[service] == len(numbers)
    # A counter serves at most one ticket, called to it; no ticket is at two counters.
    serving = [t for t in m.serving.values() if t is not None]
    assert len(serving) == len(set(serving))
    for counter, number in m.serving.items():
        if number is not None:
            ticket = m.tickets[number]
            assert ticket.status == CALLED and ticket.counter == counter
    # Every ticket called is accounted for; waiting tickets are at no counter.
    for ticket in m.tickets.values():
        if ticket.status == WAITING:
            assert ticket.counter is None and ticket.number not in serving
        if ticket.status == CALLED:
            assert ticket.number in serving
    assert sum(m.waiting_counts().values()) == sum(
        1 for t in m.tickets.values() if t.status == WAITING
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["vip", "general"]), min_size=1, max_size=30))
def test_the_green_channel_never_calls_general_while_a_vip_waits(arrivals: list[str]) -> None:
    m = model()
    for i, service in enumerate(arrivals):
        m.issue(service, at(i))
    while True:
        vip_waiting = bool(m.waiting("vip"))
        called = m.next("1", at(100)).called
        if called is None:
            break
        assert called.service == "vip" or not vip_waiting
