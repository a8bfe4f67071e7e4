"""The teller's actions beyond next: pause and resume, done, and a ticket called out of
order. A paused counter is never called; its customers go to the next counter that serves
them."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lobby.contract import CounterRequest
from lobby.queue import CALLED, SERVED, WAITING, QueueModel

T0 = datetime(2026, 11, 28, 9, 0).astimezone()
SERVICES = {"general": "A", "consult": "C", "vip": "V", "cashier": "P"}
COUNTERS = {
    "1": ("vip", "general"),  # the green channel
    "2": ("general", "consult"),
    "6": ("cashier",),
    "7": ("vip",),  # a second VIP desk
}


def model() -> QueueModel:
    m = QueueModel(SERVICES, COUNTERS)
    m.new_day("2026-11-28")
    return m


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_paused_counter_is_never_called_and_its_vip_goes_to_the_next_vip_desk() -> None:
    m = model()
    m.issue("vip", at(0))
    paused = m.pause("1", "lunch")
    assert paused.counters == {"1"} and not m.is_open("1") and m.paused == {"1": "lunch"}
    assert m.next("1", at(1)).called is None  # nobody new for a paused counter
    called = m.next("7", at(2)).called
    assert called is not None and (called.ticket, called.counter) == ("V001", "7")
    m.resume("1")
    m.issue("general", at(3))
    again = m.next("1", at(4)).called
    assert m.is_open("1") and again is not None and again.ticket == "A001"


def test_a_paused_counter_finishes_its_customer_but_calls_nobody_after() -> None:
    m = model()
    m.issue("general", at(0))
    m.issue("general", at(1))
    m.next("2", at(2))  # A001 at counter 2
    m.pause("2", "")
    effects = m.next("2", at(3))  # A001 served; A002 waits for an open counter
    assert m.tickets["A001"].status == SERVED and effects.called is None
    assert effects.note == "the counter is paused: nobody is called to it"
    assert m.tickets["A002"].status == WAITING and m.serving["2"] is None


def test_done_ends_the_service_and_calls_nobody() -> None:
    m = model()
    m.issue("general", at(0))
    m.issue("general", at(1))
    m.next("2", at(2))
    assert m.serving_since("2") == at(2)
    done = m.done("2", at(7))
    assert done.called is None and done.counters == {"2"} and done.tickets == {"A001"}
    ticket = m.tickets["A001"]
    assert (ticket.status, ticket.done_at) == (SERVED, at(7))
    assert m.serving["2"] is None and m.serving_since("2") is None
    assert m.tickets["A002"].status == WAITING
    assert m.done("2", at(8)).note == "the counter serves nobody to be done with"


def test_a_ticket_called_out_of_order_is_called_and_the_rest_keep_their_order() -> None:
    m = model()
    for i in range(3):
        m.issue("general", at(i))
    m.issue("consult", at(3))
    effects = m.call("2", "A003", at(4))
    assert effects.called is not None and (effects.called.ticket, effects.called.counter) == (
        "A003",
        "2",
    )
    assert m.tickets["A003"].status == CALLED and m.serving["2"] == "A003"
    assert [t.number for t in m.waiting("general")] == ["A001", "A002"]
    after = m.call("2", "C001", at(5))  # the current customer is served first
    assert after.called is not None and m.tickets["A003"].status == SERVED


def test_a_call_out_of_order_says_why_it_cannot() -> None:
    m = model()
    m.issue("general", at(0))
    m.issue("cashier", at(1))
    assert m.call("2", "P001", at(2)).note == "ticket P001 is for cashier, not served here"
    assert m.call("2", "A999", at(2)).note == "ticket A999 is not waiting"
    m.next("2", at(2))
    assert m.call("1", "A001", at(3)).note == "ticket A001 is not waiting"  # already called
    m.issue("general", at(4))
    m.pause("1", "break")
    assert m.call("1", "A002", at(5)).note == "the counter is paused: nobody is called to it"
    assert m.call("9", "A002", at(5)).note == "no counter '9'"
    assert (
        m.pause("9", "").note == m.resume("9").note == m.done("9", at(5)).note == "no counter '9'"
    )
    assert m.resume("2").note == "the counter was not paused"


def test_a_new_day_opens_every_counter() -> None:
    m = model()
    m.pause("6", "closed today")
    m.new_day("2026-11-29")
    assert m.paused == {} and m.is_open("6")


actions = st.lists(
    st.tuples(
        st.sampled_from(["issue", "next", "skip", "done", "pause", "resume", "call", "transfer"]),
        st.sampled_from(sorted(COUNTERS)),
        st.sampled_from(sorted(SERVICES)),
        st.integers(1, 6),
    ),
    max_size=60,
)


@given(actions)
def test_whatever_the_lobby_does_no_paused_counter_is_called_and_each_call_is_its_own(
    steps: list[tuple[str, str, str, int]],
) -> None:
    m = model()
    for minute, (action, counter, service, n) in enumerate(steps):
        was_paused = not m.is_open(counter)
        request = CounterRequest(
            f"b-{minute}",
            counter,
            action if action != "issue" else "next",
            at(minute),
            to_service=service,
            ticket=f"{SERVICES[service]}{n:03d}",
            reason="break",
        )
        effects = (
            m.issue(service, at(minute)) if action == "issue" else m.apply(request, at(minute))
        )
        if effects.called is not None and effects.called.kind == "call":
            assert not was_paused, (action, counter)
            assert effects.called.counter == counter
            assert effects.called.service in COUNTERS[counter]
            assert m.serving[counter] == effects.called.ticket
        if action == "pause":
            assert not m.is_open(counter)
        if action == "resume":
            assert m.is_open(counter)
    serving = [t for t in m.serving.values() if t is not None]
    assert len(serving) == len(set(serving))  # no ticket at two counters
    assert all(m.tickets[t].status == CALLED for t in serving)
