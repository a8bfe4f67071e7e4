"""The screen's clock, passed in so that tests can step it: monotonic seconds for
everything timed, and the local wall time for what the lobby reads (the clock, quiet hours)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def wall(self) -> datetime:
        """Local time, with its offset."""
        ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now().astimezone()
