"""A board for part of the hall: which calls and waiting counts are its own (pure rules)."""

from __future__ import annotations

from lobby.area import WHOLE_HALL, HallArea
from lobby.board import BoardState
from lobby.contract import parse_board, parse_call
from tests import payloads
from tests.payloads import TS, dumps

SERVED = {
    "1": ("vip", "general"),
    "2": ("general", "consult"),
    "5": ("complaint",),
    "6": ("cashier",),
}


def call(ticket: str, counter: str, service: str, call_id: str):
    return parse_call(dumps(payloads.call(ticket, counter, call_id, service=service)))


def listed(counter: str, service: str, ticket: str) -> dict[str, str]:
    return {"id": f"s-{ticket}", "ticket": ticket, "counter": counter, "service": service, "ts": TS}


def test_a_call_is_the_areas_when_its_counter_or_its_service_is_listed() -> None:
    cashier = HallArea.of(["5", "6"], [], SERVED)
    vip_room = HallArea.of([], ["vip"], SERVED)
    both = HallArea.of(["6"], ["vip"], SERVED)
    assert cashier.shows("6", "cashier") and cashier.shows("5", "general")
    assert not cashier.shows("1", "cashier")  # a counter not listed, its service not listed
    assert vip_room.shows("1", "vip") and vip_room.shows("2", "vip")
    assert not vip_room.shows("1", "general")
    assert both.shows("6", "cashier") and both.shows("2", "vip")
    assert not both.shows("2", "general")
    assert WHOLE_HALL.whole_hall and WHOLE_HALL.shows("9", "anything")


def test_the_waiting_counts_are_the_listed_services_and_those_of_the_listed_counters() -> None:
    assert HallArea.of(["1", "6"], [], SERVED).waiting == {"vip", "general", "cashier"}
    assert HallArea.of([], ["vip"], SERVED).waiting == {"vip"}
    assert HallArea.of(["5"], ["vip"], SERVED).waiting == {"complaint", "vip"}
    assert WHOLE_HALL.counts("consult")


def test_the_engines_snapshot_keeps_the_areas_calls_and_counts_its_seq_and_epoch() -> None:
    snapshot = parse_board(
        dumps(
            payloads.board(
                seq=41,
                epoch="e1",
                calls=[
                    listed("6", "cashier", "P004"),
                    listed("2", "general", "A010"),
                    listed("5", "complaint", "T002"),
                ],
                waiting={"general": 7, "complaint": 3, "cashier": 4},
            )
        )
    )
    mine = HallArea.of(["5", "6"], [], SERVED).snapshot(snapshot)
    assert [c.ticket for c in mine.calls] == ["P004", "T002"]
    assert dict(mine.waiting) == {"complaint": 3, "cashier": 4}
    assert (mine.seq, mine.epoch) == (41, "e1")
    assert WHOLE_HALL.snapshot(snapshot) is snapshot


def test_a_board_state_for_part_of_the_hall_takes_only_its_own_calls() -> None:
    state = BoardState(area=HallArea.of(["5", "6"], [], SERVED))
    assert state.apply_call(call("P005", "6", "cashier", "c-1"), now=1.0)
    assert not state.apply_call(call("A023", "3", "general", "c-2"), now=2.0)
    assert not state.apply_call(call("A023", "3", "general", "c-3"), now=3.0)  # nor its recall
    assert [c.ticket for c in state.calls] == ["P005"]
    snapshot = payloads.board(
        seq=2,
        calls=[listed("2", "general", "A011"), listed("5", "complaint", "T002")],
        waiting={"general": 7, "complaint": 3},
    )
    assert state.apply_snapshot(parse_board(dumps(snapshot)))
    assert [c.ticket for c in state.calls] == ["P005", "T002"]  # the live call stays on top
    assert dict(state.waiting) == {"complaint": 3}
    older = payloads.board(seq=1, calls=[listed("6", "cashier", "P001")])
    assert not state.apply_snapshot(parse_board(dumps(older)))  # seq still rules
