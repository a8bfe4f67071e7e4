"""How a service lives: it tells whoever supervises it (systemd, or nobody) that it is
ready, alive and stopping, and it reads the time from a clock it is given. Services take a
``Supervisor`` (the command line passes systemd's; a service embedded in another process, a
test or a bench passes none) and a ``Clock`` (tests pass one they step)."""

from __future__ import annotations

import math
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


class Supervisor(Protocol):
    """systemd's notify protocol and watchdog, as a service sees them."""

    def ready(self, status: str) -> None:
        """The service is up (its first frame is on screen, its queue is served)."""

    def stopping(self) -> None: ...

    def kick(self, now: float, healthy: bool, why: str = "") -> None:
        """Called from the main loop: pat the watchdog if ``healthy`` and it is time."""

    def next_kick(self) -> float:
        """When the loop must wake to pat the watchdog (monotonic seconds), or ``inf``."""
        ...


class Unsupervised:
    """Nobody is watching: every call does nothing."""

    def ready(self, status: str) -> None:
        pass

    def stopping(self) -> None:
        pass

    def kick(self, now: float, healthy: bool, why: str = "") -> None:
        pass

    def next_kick(self) -> float:
        return math.inf
