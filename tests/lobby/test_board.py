"""The board model: what the lobby sees after calls and snapshots arrive."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from lobby.board import BoardState, is_stale
from lobby.contract import MAX_BOARD_CALLS, parse_board, parse_call
from tests import payloads
from tests.payloads import TS, dumps


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


def test_a_new_board_shows_nothing_yet_and_counts_each_change_once() -> None:
    board = BoardState()
    assert (board.calls, dict(board.waiting), board.seq, board.epoch) == ((), {}, None, None)
    assert board.revision == 0 and not board.flash_bright(0.0)
    assert board.next_change(0.0) == math.inf
    board.apply_call(event("A001", "1", "c1"), now=0.0)
    board.apply_call(event("A002", "2", "c2"), now=1.0)
    board.apply_call(event("A001", "1", "c1"), now=2.0)  # the same call again: no change
    assert board.revision == 2
    board.apply_snapshot(snapshot(3, []))
    board.apply_snapshot(snapshot(4, []))
    board.apply_snapshot(snapshot(2, []))  # older: no change
    assert board.revision == 4


def test_by_default_the_board_lists_what_a_snapshot_can_hold_and_flashes_ten_seconds() -> None:
    board = BoardState()
    for i in range(MAX_BOARD_CALLS + 3):
        board.apply_call(event(f"A{i:03d}", "1", f"c{i}"), now=float(i))
    assert len(board.calls) == MAX_BOARD_CALLS and board.calls[0].ticket == "A022"
    last = float(MAX_BOARD_CALLS + 2)
    assert board.is_flashing(last + 9.99) and not board.is_flashing(last + 10.0)


def test_the_board_lists_a_call_as_it_came() -> None:
    board = BoardState()
    call = event("A023", "3", "c1", ts="2026-11-24T10:15:02.250+08:00", kind="recall")
    board.apply_call(call, now=0.0)
    assert board.calls == (call.as_board_call(),)
    listed = board.calls[0]
    assert (listed.id, listed.ticket, listed.counter, listed.service, listed.ts, listed.kind) == (
        call.id,
        call.ticket,
        call.counter,
        call.service,
        call.ts,
        call.kind,
    )


@given(st.integers(0, 5), st.booleans())
def test_a_stale_call_goes_right_under_the_newest_and_never_flashes(
    listed: int, flashing: bool
) -> None:
    board = BoardState(flash_seconds=10)
    for i in range(listed):
        board.apply_call(event(f"A{i:03d}", "1", f"c{i}"), now=0.0)
    later = 20.0 if not flashing else 1.0
    board.apply_call(event("B001", "2", "late"), now=later, stale=True)
    tickets = [c.ticket for c in board.calls]
    assert tickets.index("B001") == (1 if listed else 0)
    assert board.is_flashing(later + 0.1) == (flashing and listed > 0)


def timed(start_eighths: int, offset_64ths: int) -> tuple[float, float]:
    """Moments in binary fractions, so that differences are exact."""
    start = start_eighths / 8
    return start, start + offset_64ths / 64


@given(st.integers(0, 8 * 10**6), st.integers(0, 64 * 12), st.sampled_from([2.0, 10.0, 10.5]))
def test_the_newest_call_blinks_bright_then_dim_each_second_for_its_flash_time(
    start_eighths: int, offset_64ths: int, flash_seconds: float
) -> None:
    board = BoardState(flash_seconds=flash_seconds)
    start, now = timed(start_eighths, offset_64ths)
    board.apply_call(event("A023", "3", "c1"), now=start)
    since = now - start
    flashing = since < flash_seconds
    assert board.is_flashing(now) == flashing
    assert board.flash_bright(now) == (flashing and since % 1.0 < 0.5)
    edge = start + min((math.floor(since / 0.5) + 1) * 0.5, flash_seconds)
    assert board.next_change(now) == (edge if flashing else math.inf)


def test_the_flash_turns_dim_exactly_at_each_half_second() -> None:
    board = BoardState(flash_seconds=10)
    board.apply_call(event("A023", "3", "c1"), now=100.25)
    assert [board.flash_bright(100.25 + t) for t in (0.0, 0.4, 0.5, 0.9, 1.0, 1.2, 1.5)] == [
        True,
        True,
        False,
        False,
        True,
        True,
        False,
    ]
    assert not board.flash_bright(100.0)  # before the call: no flash


def epoch_snapshot(seq: int, epoch: str, calls: list[tuple[str, str, str, str]]):
    listed = [
        {"id": i, "ticket": t, "counter": c, "service": "general", "ts": when}
        for i, t, c, when in calls
    ]
    return parse_board(dumps(payloads.board(seq, listed, epoch=epoch)))


def test_a_new_engine_epoch_is_taken_whatever_its_seq_then_its_own_seq_rules() -> None:
    board = BoardState()
    assert board.apply_snapshot(epoch_snapshot(50, "old", [("c1", "A001", "1", TS)]))
    assert not board.apply_snapshot(epoch_snapshot(49, "old", []))
    assert board.apply_snapshot(epoch_snapshot(3, "new", [("d1", "A002", "2", TS)]))
    assert (board.seq, board.epoch, [c.ticket for c in board.calls]) == (3, "new", ["A002"])
    assert not board.apply_snapshot(epoch_snapshot(2, "new", []))
    assert board.apply_snapshot(epoch_snapshot(4, "new", []))
    assert board.calls == ()


def test_a_snapshot_replaces_what_the_last_one_listed_but_keeps_live_calls_it_lacks() -> None:
    board = BoardState()
    board.apply_snapshot(epoch_snapshot(1, "e", [("c1", "A001", "1", TS)]))
    board.apply_call(event("A002", "2", "c2"), now=0.0)
    board.apply_snapshot(epoch_snapshot(2, "e", [("c3", "A003", "3", TS)]))
    assert [c.id for c in board.calls] == ["c2", "c3"]  # A001 is gone, the live A002 stays
    board.apply_call(event("A004", "4", "c4"), now=1.0)
    board.apply_snapshot(epoch_snapshot(3, "e", [("c4", "A004", "4", TS), ("c2", "A002", "2", TS)]))
    assert [c.id for c in board.calls] == ["c4", "c2"]


def test_a_ticket_called_again_is_listed_once_in_a_snapshot() -> None:
    board = BoardState()
    board.apply_call(event("A001", "3", "c9", kind="recall"), now=0.0)
    board.apply_snapshot(
        epoch_snapshot(
            2, "e", [("c5", "A001", "3", TS), ("c4", "A002", "1", TS), ("c3", "A001", "2", TS)]
        )
    )
    assert [(c.id, c.ticket) for c in board.calls] == [("c9", "A001"), ("c4", "A002")]


def test_a_call_is_stale_only_when_made_more_than_the_limit_before_now() -> None:
    made = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    now = datetime(2026, 11, 24, 2, 10, tzinfo=UTC)  # ten minutes later, told in UTC
    assert not is_stale(made, now, 600.0)
    assert is_stale(made, now + timedelta(microseconds=1), 600.0)
    assert not is_stale(made + timedelta(minutes=30), now, 600.0)  # a clock ahead: not stale
