"""A press at a counter, and the outbox that sends each press once, while it is fresh.

Presses come from gpiozero's threads or the keyboard; the daemon's loop hands them to the
outbox, which publishes them at once while the broker is there, keeps them while it is
away, and on reconnect sends those still fresh and drops (with a log line) the stale ones:
a customer called ten minutes after the button was pressed is worse than no call.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Press:
    """A counter's button did something: ``action`` is next, recall or skip."""

    counter: str
    action: str
    at: datetime
    """When it was pressed (the request's ``ts``)."""
    source: str = "gpio"


Publish = Callable[[str, str, str, datetime], None]  # (request id, counter, action, pressed at)


class PressOutbox:
    """Presses on their way to the queue engine; each gets one id and is sent once."""

    def __init__(
        self, device: str, publish: Publish, max_age_s: float = 60.0, instance: str = ""
    ) -> None:
        self._publish = publish
        self._max_age = max_age_s
        # Unique across restarts and across machines sharing a device id (a cloned card).
        self._prefix = f"b-{device}-{instance or format(int(time.time()), 'x')}"
        self._seq = 0
        self._waiting: deque[tuple[str, Press]] = deque()
        self.sent = 0
        self.dropped = 0

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def add(self, press: Press) -> str:
        """Give a press its id and keep it until it can be sent."""
        self._seq += 1
        request_id = f"{self._prefix}-{self._seq:06d}"
        self._waiting.append((request_id, press))
        return request_id

    def flush(self, connected: bool, now: datetime) -> list[str]:
        """Send what is fresh while connected; drop what went stale. The ids sent."""
        sent: list[str] = []
        while self._waiting:
            request_id, press = self._waiting[0]
            age = (now - press.at).total_seconds()
            if age > self._max_age:
                self._waiting.popleft()
                self.dropped += 1
                _LOG.warning(
                    "press %s at counter %s (%s) dropped: %.0f s old, the broker was away",
                    request_id,
                    press.counter,
                    press.action,
                    age,
                )
                continue
            if not connected:
                break
            self._waiting.popleft()
            self._publish(request_id, press.counter, press.action, press.at)
            self.sent += 1
            sent.append(request_id)
        return sent
