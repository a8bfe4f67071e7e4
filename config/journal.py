"""Log lines that cannot flood the journal when a peer misbehaves in a loop (shared by the
rooms that face the outside: the broker links and the voice)."""

from __future__ import annotations

import logging
import threading
import time


class RateLimitedLog:
    """At most one line per key per interval; the next line says how many were held back."""

    def __init__(self, logger: logging.Logger, interval_s: float = 10.0) -> None:
        self._logger = logger
        self._interval = interval_s
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, key: str, message: str, *args: object) -> None:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self._interval:
                self._held[key] = self._held.get(key, 0) + 1
                return
            self._last[key] = now
            held = self._held.pop(key, 0)
            if len(self._last) > 1000:  # keys come from the wire; keep the memory bounded
                self._last.clear()
        if held:
            message += f" (and {held} more like it in the last {self._interval:.0f} s)"
        self._logger.warning(message, *args)
