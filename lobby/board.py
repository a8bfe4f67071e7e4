"""What the lobby board shows, decided without pygame, paho or a clock.

The board learns of calls two ways: live CallEvents and the queue engine's retained
BoardSnapshot. The snapshot is the truth about the past (it survives a restart of the
display), the events are the news. Time is passed in as monotonic seconds by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from lobby.contract import BoardCall, BoardSnapshot, CallEvent

FLASH_PERIOD_S = 1.0  # one bright and one dim half-period per second


class BoardState:
    """The calls, waiting counts and highlight the lobby board shows right now."""

    def __init__(self, keep: int = 20, flash_seconds: float = 10.0) -> None:
        self._keep = keep
        self._flash_seconds = flash_seconds
        self._calls: tuple[BoardCall, ...] = ()
        self._waiting: dict[str, int] = {}
        self._seq: int | None = None
        self._flash_started: float | None = None
        self.revision = 0
        """Grows by one at every change, so a renderer can tell when to redraw."""

    @property
    def calls(self) -> tuple[BoardCall, ...]:
        """Calls newest first, at most ``keep``."""
        return self._calls

    @property
    def newest(self) -> BoardCall | None:
        return self._calls[0] if self._calls else None

    @property
    def waiting(self) -> Mapping[str, int]:
        return self._waiting

    @property
    def seq(self) -> int | None:
        return self._seq

    def apply_call(self, event: CallEvent, now: float) -> bool:
        """Put a live call on the board; a recall moves its ticket back to the top."""
        if any(call.id == event.id for call in self._calls):
            return False
        new = event.as_board_call()
        others = [call for call in self._calls if call.ticket != new.ticket]
        position = 0
        while position < len(others) and others[position].ts > new.ts:
            position += 1  # a late, older event goes below the newer calls
        others.insert(position, new)
        self._calls = tuple(others[: self._keep])
        if position == 0:
            self._flash_started = now
        self.revision += 1
        return True

    def apply_snapshot(self, snapshot: BoardSnapshot) -> bool:
        """Take the engine's board unless it is older than the one held.

        Live calls newer than the snapshot and missing from it stay on top: the engine
        publishes the call before the board, and the two topics may interleave.
        """
        if self._seq is not None and snapshot.seq <= self._seq:
            return False
        listed = {call.id for call in snapshot.calls}
        newer = [c for c in self._calls if c.ts > snapshot.ts and c.id not in listed]
        kept_tickets = {c.ticket for c in newer}
        merged = newer + [c for c in snapshot.calls if c.ticket not in kept_tickets]
        self._calls = tuple(merged[: self._keep])
        self._waiting = dict(snapshot.waiting)
        self._seq = snapshot.seq
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
