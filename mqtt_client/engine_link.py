"""The queue engine's link to the broker: requests in, calls and boards out.

Before taking requests it looks at the site's retained statuses: a second engine for a
site refuses.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from config.settings import Config
from lobby.contract import CounterRequest, DeviceStatus, TicketRequest
from lobby.errors import ContractError
from mqtt_client.session import QOS, Deliver, Session

_LOG = logging.getLogger(__name__)
ROLE = "queue-engine"
LOOK_S = 1.5  # how long to listen for another engine's retained status


class EngineLink(Session):
    """Subscribes to counter and ticket requests; publishes what the engine decides."""

    role = ROLE

    def __init__(self, config: Config, deliver: Deliver, version: str) -> None:
        super().__init__(config, f"{config.device}-queue", deliver, version, persistent=True)
        self.others: dict[str, DeviceStatus] = {}
        self._looked = threading.Event()
        self._serving = False

    def subscriptions(self) -> list[str]:
        topics = [self.topics.status("+")]
        if self._serving:
            topics += [self.topics.counter_request("+"), self.topics.ticket_request]
        return topics

    def look_for_others(self, timeout_s: float = 10.0) -> dict[str, DeviceStatus]:
        """Connect and return the other engines that say they are online for this site."""
        self.start()
        if not self.wait_connected(timeout_s):
            return {}  # no broker yet: nobody else can be serving either; paho keeps trying
        time.sleep(LOOK_S)
        self._looked.set()
        return {d: s for d, s in self.others.items() if s.state == "online"}

    def serve(self) -> None:
        """Take requests from now on (after ``look_for_others`` found nobody)."""
        self._serving = True
        self.client.subscribe(
            [(self.topics.counter_request("+"), QOS), (self.topics.ticket_request, QOS)]
        )
        self.publish_status()

    def send(self, topic: str, payload: bytes, retain: bool, timeout_s: float = 2.0) -> bool:
        """Publish and wait for the broker to have it; False if it could not be confirmed."""
        if not self.connected:
            return False
        info = self.publish(topic, payload, retain)
        try:
            info.wait_for_publish(timeout_s)
        except (RuntimeError, ValueError):
            return False
        return info.is_published()

    @property
    def announced(self) -> bool:
        return self._serving

    def accept(self, topic: str, payload: bytes) -> None:
        match = self.topics.parse(topic)
        if match is None:
            return
        if match.kind == "status":
            self._note_status(match.key, payload)
            return
        request: Any
        try:
            if match.kind == "ticket_request":
                request = TicketRequest.parse(payload)
            elif match.kind == "counter_request":
                request = CounterRequest.parse(payload, match.key)
            else:
                return
        except ContractError as exc:
            self.refuse(topic, exc.reason)
            return
        # No de-duplication here: the store keeps every applied id in the same transaction
        # as the change, so a redelivery changes nothing (and a retried ticket is answered).
        self._deliver(request)

    def _note_status(self, device: str, payload: bytes) -> None:
        if device == self.device or (self._looked.is_set() and self._serving) or not payload:
            return
        try:
            status = DeviceStatus.parse(payload)
        except ContractError:
            return
        if status.role == ROLE:
            self.others[device] = status
