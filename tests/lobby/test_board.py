"""The board model: what the lobby sees after calls and snapshots arrive."""

from __future__ import annotations

import math

from lobby.board import BoardState
from lobby.contract import parse_board, parse_call
from tests import payloads
from tests.payloads import dumps


def event(
    ticket: str,
    counter: str,
    call_id: str,
    ts: str = "2026-11-24T10:15:02+08:00",
    kind: str = "call",
):
    return parse_call(dumps(payloads.call(ticket, counter, call_id, ts=ts, kind=kind)))


def snapshot(
    seq: int,
    calls: list[tuple[str, str, str, str]],
    ts: str = "2026-11-24T10:15:00+08:00",
    waiting: dict[str, int] | None = None,
):
    listed = [
        {"id": i, "ticket": t, "counter": c, "service": "general", "ts": when}
        for i, t, c, when in calls
    ]
    return parse_board(dumps(payloads.board(seq, listed, ts=ts, waiting=waiting or {"general": 3})))


def test_the_newest_call_is_on_top_and_flashes_for_its_time() -> None:
    board = BoardState(flash_seconds=10)
    assert board.newest is None
    assert board.apply_call(event("A023", "3", "c1"), now=100.0)
    assert board.newest is not None and board.newest.ticket == "A023"
    assert board.is_flashing(100.0) and board.flash_bright(100.1)
    assert not board.flash_bright(100.6)  # the dim half of the period
    assert board.is_flashing(109.9) and not board.is_flashing(110.0)


def test_the_flash_wakes_the_loop_at_each_phase_and_then_sleeps() -> None:
    board = BoardState(flash_seconds=2)
    board.apply_call(event("A023", "3", "c1"), now=0.0)
    assert board.next_change(0.1) == 0.5
    assert board.next_change(0.5) == 1.0
    assert board.next_change(1.9) == 2.0
    assert board.next_change(2.5) == math.inf


def test_the_same_call_id_twice_changes_nothing() -> None:
    board = BoardState()
    board.apply_call(event("A023", "3", "c1"), now=0.0)
    revision = board.revision
    assert not board.apply_call(event("A023", "3", "c1"), now=1.0)
    assert board.revision == revision and len(board.calls) == 1


def test_a_recall_moves_the_ticket_back_to_the_top_once() -> None:
    board = BoardState()
    board.apply_call(event("A023", "3", "c1", ts="2026-11-24T10:15:00+08:00"), now=0.0)
    board.apply_call(event("A024", "2", "c2", ts="2026-11-24T10:16:00+08:00"), now=1.0)
    board.apply_call(
        event("A023", "3", "c3", ts="2026-11-24T10:17:00+08:00", kind="recall"), now=2.0
    )
    assert [c.ticket for c in board.calls] == ["A023", "A024"]
    assert board.newest is not None and board.newest.kind == "recall"
    assert board.is_flashing(2.1)


def test_the_call_received_last_is_the_newest_whatever_its_ts() -> None:
    # A sender with a wrong clock (a Pi without a clock battery): arrival order wins, so the
    # screen shows large the call the voice announces.
    board = BoardState(flash_seconds=10)
    board.apply_call(event("A024", "2", "c2", ts="2026-11-24T10:16:00+08:00"), now=0.0)
    board.apply_call(event("A023", "3", "c1", ts="2026-11-24T09:15:00+08:00"), now=20.0)
    assert [c.ticket for c in board.calls] == ["A023", "A024"]
    assert board.is_flashing(20.1)


def test_a_stale_call_is_listed_below_the_newest_and_does_not_flash() -> None:
    board = BoardState(flash_seconds=10)
    board.apply_call(event("A024", "2", "c2"), now=0.0)
    board.apply_call(event("A023", "3", "c1"), now=20.0, stale=True)
    assert [c.ticket for c in board.calls] == ["A024", "A023"]
    assert not board.is_flashing(20.1)


def test_the_list_keeps_only_the_newest() -> None:
    board = BoardState(keep=5)
    for i in range(12):
        board.apply_call(
            event(f"A{i:03d}", "1", f"c{i}", ts=f"2026-11-24T10:{i:02d}:00+08:00"), now=i
        )
    assert [c.ticket for c in board.calls] == ["A011", "A010", "A009", "A008", "A007"]


def test_an_older_snapshot_is_ignored() -> None:
    board = BoardState()
    assert board.apply_snapshot(snapshot(5, [("c1", "A023", "3", "2026-11-24T10:15:00+08:00")]))
    assert not board.apply_snapshot(snapshot(4, [("c0", "A001", "1", "2026-11-24T09:00:00+08:00")]))
    assert not board.apply_snapshot(snapshot(5, []))
    assert board.seq == 5 and [c.ticket for c in board.calls] == ["A023"]


def test_a_snapshot_sets_waiting_counts_and_does_not_flash() -> None:
    board = BoardState()
    board.apply_snapshot(
        snapshot(
            1, [("c1", "A023", "3", "2026-11-24T10:15:00+08:00")], waiting={"general": 7, "vip": 0}
        )
    )
    assert dict(board.waiting) == {"general": 7, "vip": 0}
    assert not board.is_flashing(0.0)


def test_a_live_call_newer_than_the_snapshot_stays_on_top() -> None:
    board = BoardState()
    board.apply_call(event("A024", "2", "c2", ts="2026-11-24T10:16:00+08:00"), now=0.0)
    board.apply_snapshot(
        snapshot(
            7, [("c1", "A023", "3", "2026-11-24T10:15:00+08:00")], ts="2026-11-24T10:15:30+08:00"
        )
    )
    assert [c.ticket for c in board.calls] == ["A024", "A023"]


def test_a_snapshot_that_lists_the_live_call_replaces_it() -> None:
    board = BoardState()
    board.apply_call(event("A024", "2", "c2", ts="2026-11-24T10:16:00+08:00"), now=0.0)
    board.apply_snapshot(
        snapshot(
            8,
            [
                ("c2", "A024", "2", "2026-11-24T10:16:00+08:00"),
                ("c1", "A023", "3", "2026-11-24T10:15:00+08:00"),
            ],
            ts="2026-11-24T10:16:01+08:00",
        )
    )
    assert [c.id for c in board.calls] == ["c2", "c1"]


def test_a_snapshot_listing_a_call_and_its_recall_shows_the_ticket_once() -> None:
    board = BoardState()
    board.apply_snapshot(
        snapshot(
            3,
            [
                ("c3", "A002", "6", "2026-11-24T10:17:00+08:00"),  # the recall, newest
                ("c2", "A001", "2", "2026-11-24T10:16:00+08:00"),
                ("c1", "A002", "6", "2026-11-24T10:15:00+08:00"),  # its first call
            ],
        )
    )
    assert [c.id for c in board.calls] == ["c3", "c2"]  # never big and listed at once


def test_a_new_epoch_is_taken_although_its_seq_starts_again() -> None:
    board = BoardState()
    old = snapshot(900, [("c-a-9", "A050", "3", "2026-11-24T10:15:00+08:00")])
    board.apply_snapshot(type(old)(old.seq, old.ts, old.calls, old.waiting, epoch="aaaa"))
    new = snapshot(1, [("c-b-1", "A001", "2", "2026-11-24T10:16:00+08:00")])
    assert board.apply_snapshot(type(new)(new.seq, new.ts, new.calls, new.waiting, epoch="bbbb"))
    assert [c.id for c in board.calls] == ["c-b-1"] and board.seq == 1 and board.epoch == "bbbb"
    stale = snapshot(2, [], ts="2026-11-24T10:17:00+08:00")
    assert not board.apply_snapshot(type(stale)(0, stale.ts, (), {}, epoch="bbbb"))
