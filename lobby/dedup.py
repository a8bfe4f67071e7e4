"""Remembering message ids, so that a QoS 1 redelivery is acted on once."""

from __future__ import annotations

from collections import OrderedDict

DEFAULT_CAPACITY = 2048  # the contract asks for at least the last 1,000 ids per topic


class SeenIds:
    """A bounded memory of the ids already acted on, per topic, oldest forgotten first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self._capacity = capacity
        self._seen: dict[str, OrderedDict[str, None]] = {}

    def first_time(self, topic: str, message_id: str) -> bool:
        """True the first time an id is seen on a topic; remembers it."""
        seen = self._seen.setdefault(topic, OrderedDict())
        if message_id in seen:
            seen.move_to_end(message_id)
            return False
        seen[message_id] = None
        if len(seen) > self._capacity:
            seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._seen.values())
