"""The queue rules, by example and by hypothesis."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lobby.contract import COUNTER_ACTIONS, CounterRequest, TicketRequest
from lobby.queue import (
    CALLED,
    SERVED,
    SKIPPED,
    WAITING,
    Called,
    Effects,
    Issued,
    QueueModel,
    Ticket,
    request_kind,
)

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


# What each counter action does, as properties over any state a lobby can reach.

counters = st.sampled_from(sorted(COUNTERS))
services = st.sampled_from(sorted(SERVICES))
# A morning's arrivals, every counter calling once, then anything at all: a busy lobby.
lobbies = st.builds(
    lambda arrivals, ops: play(
        model(), [*arrivals, *(("next", counter) for counter in sorted(COUNTERS)), *ops]
    ),
    st.lists(services.map(lambda service: ("issue", service)), max_size=12),
    operations,
)
NOW = at(1000)


def play(m: QueueModel, ops: Sequence[tuple[str, ...]]) -> QueueModel:
    for i, op in enumerate(ops):
        if op[0] == "issue":
            m.issue(op[1], at(i))
        elif op[0] == "transfer":
            m.transfer(op[1], op[2], at(i))
        elif op[0] == "recall":
            m.recall(op[1])
        else:
            getattr(m, op[0])(op[1], at(i))
    return m


def queues(m: QueueModel) -> dict[str, list[str]]:
    return {service: [t.number for t in m.waiting(service)] for service in SERVICES}


def head_for(counter: str, waiting: dict[str, list[str]]) -> str | None:
    """The ticket a counter calls next: the first of its services, by priority, with a queue."""
    for service in COUNTERS[counter]:
        if waiting[service]:
            return waiting[service][0]
    return None


def seconds_since_issue(ticket: Ticket) -> int:
    """What a call of this ticket now says it waited: whole seconds, never negative."""
    return max(0, int((NOW - ticket.issued_at).total_seconds()))


def finished_then_called(
    m: QueueModel, counter: str, action: str, status: str
) -> tuple[str | None, str | None, Effects]:
    before = copy.deepcopy(m)
    current = m.serving[counter]
    expected = head_for(counter, queues(m))
    effects = getattr(m, action)(counter, NOW)
    if current is not None:
        assert m.tickets[current].status == status and m.tickets[current].done_at == NOW
    if expected is None:
        assert effects.called is None and m.serving[counter] is None
    else:
        ticket = m.tickets[expected]
        assert effects.called == Called(
            expected, counter, ticket.service, "call", waited_s=seconds_since_issue(ticket)
        )
        assert (ticket.status, ticket.counter, ticket.called_at) == (CALLED, counter, NOW)
        assert ticket.first_called_at == (before.tickets[expected].first_called_at or NOW)
        assert m.serving[counter] == expected
    touched = {current, expected} - {None}
    assert effects.tickets == touched and effects.counters == ({counter} if touched else set())
    assert effects.changed == bool(touched)
    return current, expected, effects


@given(lobbies, counters)
def test_next_serves_the_current_ticket_and_calls_the_counters_next_to_it(
    m: QueueModel, counter: str
) -> None:
    _, expected, effects = finished_then_called(m, counter, "next", SERVED)
    if expected is None:
        assert effects.note == "no one is waiting for this counter"


@given(lobbies, counters)
def test_skip_marks_the_current_ticket_a_no_show_and_calls_the_next(
    m: QueueModel, counter: str
) -> None:
    current, expected, effects = finished_then_called(m, counter, "skip", SKIPPED)
    if current is None:
        assert effects.note == "no current ticket to skip"
    elif expected is None:
        assert effects.note == "no one is waiting for this counter"


@given(lobbies, counters, services)
def test_a_transfer_heads_the_new_queue_and_the_counter_calls_its_next(
    m: QueueModel, counter: str, service: str
) -> None:
    before = copy.deepcopy(m)
    current = m.serving[counter]
    waiting = queues(m)
    if current is not None:
        waiting[service].insert(0, current)
    expected = head_for(counter, waiting)
    effects = m.transfer(counter, service, NOW)
    if current is not None:
        moved, was = m.tickets[current], before.tickets[current]
        assert (moved.service, moved.transfers) == (service, was.transfers + 1)
        assert (moved.first_service, moved.first_called_at) == (
            was.first_service,
            was.first_called_at,
        )
        if expected != current:
            assert (moved.status, moved.counter, moved.called_at) == (WAITING, None, None)
            assert m.waiting(service)[0].number == current
    if expected is None:
        assert effects.called is None and m.serving[counter] is None
        assert effects.note == (
            "no current ticket to transfer"
            if current is None
            else "no one is waiting for this counter"
        )
    else:
        called = m.tickets[expected]
        assert effects.called == Called(
            expected, counter, called.service, "call", waited_s=seconds_since_issue(called)
        )
        assert m.serving[counter] == expected and m.tickets[expected].called_at == NOW
        if current is None:
            assert effects.note == "no current ticket to transfer"
    touched = {current, expected} - {None}
    assert effects.tickets == touched and effects.counters == ({counter} if touched else set())


@given(lobbies, counters)
def test_recall_calls_the_counters_ticket_again_and_changes_nothing(
    m: QueueModel, counter: str
) -> None:
    before = copy.deepcopy(m)
    current = m.serving[counter]
    effects = m.recall(counter)
    assert m == before and not effects.changed
    if current is None:
        assert effects.called is None and effects.note == "the counter serves nobody to recall"
    else:
        service = m.tickets[current].service
        assert effects.called == Called(current, counter, service, "recall")


@given(lobbies, services)
def test_a_ticket_is_numbered_after_the_last_and_joins_the_end_of_its_queue(
    m: QueueModel, service: str
) -> None:
    ahead = [t.number for t in m.waiting(service)]
    number = f"{SERVICES[service]}{m.issued[service] + 1:03d}"
    effects = m.issue(service, NOW)
    assert effects.issued == Issued(number, service, len(ahead))
    assert effects.tickets == {number} and effects.changed
    assert [t.number for t in m.waiting(service)] == [*ahead, number]
    ticket = m.tickets[number]
    assert (ticket.issued_at, ticket.first_service, ticket.status) == (NOW, service, WAITING)


@given(
    lobbies,
    st.one_of(
        services.map(lambda s: TicketRequest("k-1", s, NOW)),
        st.builds(
            CounterRequest,
            st.just("b-1"),
            counters,
            st.sampled_from(COUNTER_ACTIONS),
            st.just(NOW),
            services,
        ),
    ),
)
def test_a_request_from_the_wire_is_decided_by_the_rule_its_action_names(
    m: QueueModel, request: TicketRequest | CounterRequest
) -> None:
    by_hand = copy.deepcopy(m)
    effects = m.apply(request, NOW)
    if isinstance(request, TicketRequest):
        assert request_kind(request) == "ticket"
        assert effects == by_hand.issue(request.service, NOW)
    else:
        assert request_kind(request) == request.action
        rule = {
            "next": lambda: by_hand.next(request.counter, NOW),
            "recall": lambda: by_hand.recall(request.counter),
            "skip": lambda: by_hand.skip(request.counter, NOW),
            "transfer": lambda: by_hand.transfer(request.counter, request.to_service or "", NOW),
            "pause": lambda: by_hand.pause(request.counter, request.reason or ""),
            "resume": lambda: by_hand.resume(request.counter),
            "done": lambda: by_hand.done(request.counter, NOW),
            "call": lambda: by_hand.call(request.counter, request.ticket or "", NOW),
        }[request.action]
        assert effects == rule()
    assert m == by_hand


def test_an_action_or_a_name_the_engine_does_not_know_changes_nothing_and_says_why() -> None:
    m = model()
    m.issue("general", at(0))
    before = copy.deepcopy(m)
    dance = CounterRequest("b-1", "2", "dance", at(1))  # not one of the contract's actions
    assert m.apply(dance, at(1)).note == "the action 'dance' is not one this engine knows"
    for effects in (m.next("9", at(1)), m.skip("9", at(1)), m.transfer("9", "vip", at(1))):
        assert effects.note == "no counter '9'" and not effects.changed
    assert m.transfer("2", "nope", at(1)).note == "no service 'nope' to transfer to"
    assert m.apply(TicketRequest("k-1", "nope", at(1)), at(1)).note == "no service 'nope'"
    assert m == before


def test_numbers_run_past_39_without_repeating() -> None:
    m = model()
    numbers = [m.issue("general", at(i)).tickets for i in range(45)]
    assert [n for (n,) in numbers] == [f"A{i:03d}" for i in range(1, 46)]


def test_numbering_wraps_after_9999_and_never_reissues_a_number_of_the_day() -> None:
    m = model()
    m.issue("general", at(0))  # A001
    m.issued["general"] = 9998  # a busy day, as the store restores it
    last = m.issue("general", at(1)).issued
    assert last is not None and last.ticket == "A9999"
    before = copy.deepcopy(m)
    refused = m.issue("general", at(2))
    assert refused.note == "ticket A001 is still in use" and not refused.changed
    assert m == before
    quiet = model()
    quiet.issued["general"] = 9999
    wrapped = quiet.issue("general", at(3)).issued
    assert wrapped is not None and wrapped.ticket == "A001"


def test_a_new_day_starts_every_service_at_1_with_no_one_waiting() -> None:
    m = QueueModel(SERVICES, COUNTERS, width=4)
    first = m.issue("general", at(0)).issued
    assert first is not None and first.ticket == "A0001"  # numbered from 1 before any day
    m.issue("vip", at(1))
    m.next("1", at(2))
    m.new_day("2026-11-26")
    assert m.day == "2026-11-26" and m.waiting_counts() == {s: 0 for s in SERVICES}
    assert m.serving == {counter: None for counter in COUNTERS}
    again = m.issue("vip", at(3)).issued
    assert again is not None and again.ticket == "V0001"


def test_a_queue_follows_each_tickets_place_not_the_order_the_store_loads_them() -> None:
    m = model()
    m.issue("cashier", at(0))
    for i in range(3):
        m.issue("general", at(i + 1))
    m.next("6", at(5))
    m.transfer("6", "general", at(6))  # P001 goes ahead of the general queue
    expected = ["P001", "A001", "A002", "A003"]
    assert [t.number for t in m.waiting("general")] == expected
    loaded = model()
    loaded.tickets = dict(reversed(copy.deepcopy(m.tickets).items()))
    assert [t.number for t in loaded.waiting("general")] == expected


def test_waiting_is_counted_per_service_and_per_counter() -> None:
    m = model()
    for service in ("general", "general", "consult", "vip", "cashier"):
        m.issue(service, at(0))
    m.tickets["X001"] = Ticket("X001", "closed", 99, at(0))  # a service since taken out
    assert m.waiting_counts() == {"general": 2, "consult": 1, "vip": 1, "cashier": 1, "closed": 1}
    assert [m.waiting_for(c) for c in ("1", "2", "6", "9")] == [3, 3, 1, 0]


def test_a_wait_ends_at_the_first_call_whatever_transfers_follow() -> None:
    m = model()
    m.issue("general", at(0))
    m.next("2", at(5))
    m.transfer("2", "cashier", at(8))
    called = m.next("6", at(9)).called
    assert called == Called("A001", "6", "cashier", "call", waited_s=9 * 60)  # from its issue
    m.next("6", at(12))
    ticket = m.tickets["A001"]
    assert (ticket.issued_at, ticket.first_called_at, ticket.called_at) == (at(0), at(5), at(9))
    assert (ticket.first_service, ticket.service, ticket.transfers) == ("general", "cashier", 1)
    assert (ticket.status, ticket.counter, ticket.done_at) == (SERVED, "6", at(12))


def test_a_call_says_how_long_its_ticket_waited_and_a_recall_does_not() -> None:
    m = model()
    m.issue("general", at(0))
    m.issue("general", at(1))
    first = m.next("2", at(20)).called
    assert first is not None and (first.ticket, first.waited_s) == ("A001", 1200)
    recall = m.recall("2").called
    assert recall is not None and recall.kind == "recall" and recall.waited_s is None
    second = m.next("2", at(21.5)).called
    assert second is not None and (second.ticket, second.waited_s) == ("A002", 1230)


def test_a_transferred_tickets_next_call_counts_from_its_issue() -> None:
    m = model()
    m.issue("general", at(0))
    m.next("2", at(10))
    m.transfer("2", "cashier", at(15))
    called = m.next("6", at(18)).called
    assert called is not None and (called.ticket, called.waited_s) == ("A001", 18 * 60)


def test_a_clock_set_back_after_the_issue_makes_no_negative_wait() -> None:
    m = model()
    m.issue("general", at(30))
    called = m.next("2", at(5)).called  # NTP put the clock back 25 minutes meanwhile
    assert called is not None and called.waited_s == 0
    m.issue("general", at(0))
    out_of_order = m.call("2", "A002", at(7.99)).called  # whole seconds, rounded down
    assert out_of_order is not None and out_of_order.waited_s == 479
