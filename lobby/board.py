"""What the lobby board shows, decided without pygame, paho or a clock.

The board learns of calls two ways: live CallEvents and the queue engine's retained
BoardSnapshot. The snapshot is the truth about the past (it survives a restart of the
display), the events are the news. Time is passed in as monotonic seconds by the caller.

Order is the order of arrival, never of ``ts``: the newest call is the one received last,
because a sender's clock may be wrong (a Pi without a clock battery). A call judged stale
(it arrived long after it was made) is listed below the current one, without a flash.
Each engine's store has an ``epoch``; a snapshot of a new epoch is taken although its
``seq`` starts again (a new or restored store), so screens follow a replaced engine.
A board for part of the hall (``HallArea``) takes only its own calls and waiting counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime

from lobby.area import WHOLE_HALL, HallArea
from lobby.contract import BoardCall, BoardSnapshot, CallEvent

FLASH_PERIOD_S = 1.0  # one bright and one dim half-period per second


def is_stale(made: datetime, now: datetime, limit_s: float) -> bool:
    """A call made more than ``limit_s`` before ``now`` (both with their offsets)."""
    return (now - made).total_seconds() > limit_s


def one_per_ticket(calls: Iterable[BoardCall]) -> list[BoardCall]:
    """The first (newest) call of each ticket: a recalled ticket is listed once."""
    seen: set[str] = set()
    out = []
    for call in calls:
        if call.ticket not in seen:
            seen.add(call.ticket)
            out.append(call)
    return out


class BoardState:
    """The calls, waiting counts and highlight the lobby board shows right now."""

    def __init__(
        self, keep: int = 20, flash_seconds: float = 10.0, area: HallArea = WHOLE_HALL
    ) -> None:
        self.area = area
        """The part of the hall this board shows (``WHOLE_HALL``: every call)."""
        self._keep = keep
        self._flash_seconds = flash_seconds
        self._calls: tuple[BoardCall, ...] = ()
        self._waiting: dict[str, int] = {}
        self._seq: int | None = None
        self._epoch: str | None = None
        self._since_snapshot: set[str] = set()
        self._flash_started: float | None = None
        self.revision = 0
        """Grows by one at every change, so a renderer can tell when to redraw."""

    @property
    def calls(self) -> tuple[BoardCall, ...]:
        """Calls newest first, at most ``keep``, one per ticket."""
        return self._calls

    @property
    def newest(self) -> BoardCall | None:
        return self._calls[0] if self._calls else None

    @property
    def arrived(self) -> float | None:
        """When the newest call arrived live (monotonic seconds); None before any did, or
        when it came late (stale)."""
        return self._flash_started

    @property
    def waiting(self) -> Mapping[str, int]:
        return self._waiting

    @property
    def seq(self) -> int | None:
        return self._seq

    @property
    def epoch(self) -> str | None:
        return self._epoch

    def apply_call(self, event: CallEvent, now: float, stale: bool = False) -> bool:
        """Put a live call on the board, on top; a recall moves its ticket back to the top.

        A stale call goes under the current newest call and does not flash. A call outside
        the board's area is not taken (False), like a call already on the board.
        """
        if not self.area.shows(event.counter, event.service):
            return False
        if any(call.id == event.id for call in self._calls):
            return False
        new = event.as_board_call()
        others = [call for call in self._calls if call.ticket != new.ticket]
        position = 1 if stale and others else 0
        others.insert(position, new)
        self._calls = tuple(others[: self._keep])
        self._since_snapshot.add(new.id)
        if position == 0 and not stale:
            self._flash_started = now
        self.revision += 1
        return True

    def apply_snapshot(self, snapshot: BoardSnapshot) -> bool:
        """Take the engine's board unless it is older than the one held (same epoch).

        Calls that arrived live since the last snapshot and are missing from this one stay
        on top: the engine publishes the call before the board, and the two topics may
        interleave. A new epoch is taken whatever its ``seq``. Only the calls and the
        waiting counts of the board's area are taken.
        """
        snapshot = self.area.snapshot(snapshot)
        new_epoch = snapshot.epoch != self._epoch
        if not new_epoch and self._seq is not None and snapshot.seq <= self._seq:
            return False
        listed = {call.id for call in snapshot.calls}
        pending = [c for c in self._calls if c.id in self._since_snapshot and c.id not in listed]
        self._calls = tuple(one_per_ticket([*pending, *snapshot.calls])[: self._keep])
        self._since_snapshot = {c.id for c in pending}
        self._waiting = dict(snapshot.waiting)
        self._seq = snapshot.seq
        self._epoch = snapshot.epoch
        self.revision += 1
        return True

    def is_flashing(self, now: float) -> bool:
        """True while the newest call is still within its highlight time."""
        started = self._flash_started
        return started is not None and 0 <= now - started < self._flash_seconds

    def flash_bright(self, now: float) -> bool:
        """The phase of the flash: bright in the first half of every period."""
        if not self.is_flashing(now):
            return False
        assert self._flash_started is not None
        return (now - self._flash_started) % FLASH_PERIOD_S < FLASH_PERIOD_S / 2

    def next_change(self, now: float) -> float:
        """When the highlight next changes by itself (monotonic seconds), or ``inf``."""
        started = self._flash_started
        if started is None or not self.is_flashing(now):
            return math.inf
        half = FLASH_PERIOD_S / 2
        edge = started + (math.floor((now - started) / half) + 1) * half
        return min(edge, started + self._flash_seconds)
