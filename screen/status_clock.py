"""The status clock: when to republish the retained DeviceStatus. A heartbeat every
minute, and soon (not at once: a flood of refused payloads is one update) after a change."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mqtt_client.session import Rejected
from screen.messages import StatusChanged
from screen.parts import NOTHING, Part

STATUS_EVERY_S = 60.0  # heartbeat of the retained DeviceStatus
STATUS_SOON_S = 5.0  # a changed figure is reported this soon after the last one, not sooner


class StatusClock(Part):
    """Publishes the status through ``publish`` when it is due."""

    handles = (Rejected, StatusChanged)

    def __init__(self, publish: Callable[[], None], now: float) -> None:
        self._publish = publish
        self._sent = now
        self._due = now + STATUS_EVERY_S

    def handle(self, message: object, now: float) -> Sequence[object]:
        self._due = min(self._due, self._sent + STATUS_SOON_S)
        return NOTHING

    def tick(self, now: float) -> Sequence[object]:
        if now >= self._due:
            self._publish()
            self._sent = now
            self._due = now + STATUS_EVERY_S
        return NOTHING

    def next_wake(self, now: float) -> float:
        return self._due
