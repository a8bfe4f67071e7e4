"""The display's link to the broker: the board's topics in, acks and counter requests out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from config.settings import Config
from lobby.contract import (
    Ack,
    BoardSnapshot,
    CallEvent,
    CounterRequest,
    CounterState,
    Notice,
    Rating,
    ScopedNotice,
)
from lobby.dedup import SeenIds
from lobby.errors import ContractError
from mqtt_client.session import QOS, Deliver, LinkState, Rejected, Session

__all__ = ["QOS", "LinkState", "MqttLink", "Rejected"]

_LOG = logging.getLogger(__name__)

Parser = Callable[[bytes, str], object]

# What each topic of a screen carries, by the kind ``Topics.parse`` names.
PARSERS: dict[str, Parser] = {
    "call": lambda raw, key: CallEvent.parse(raw),
    "board": lambda raw, key: BoardSnapshot.parse(raw),
    "notice": lambda raw, key: ScopedNotice("site", Notice.parse(raw)),
    "branch_notice": lambda raw, key: ScopedNotice("branch", Notice.parse(raw)),
    "counter_state": lambda raw, key: CounterState.parse(raw, key),
}
CLEARED = {"notice": "site", "branch_notice": "branch"}


class MqttLink(Session):
    """Subscribes to a site's board topics and publishes this device's status and acks."""

    role = "display"
    session_expiry_s = 300  # a network blip loses no call; a night off reads none out

    def __init__(self, config: Config, deliver: Deliver, version: str) -> None:
        super().__init__(config, config.device, deliver, version)
        self._seen = SeenIds()

    def subscriptions(self) -> list[str]:
        t = self.topics
        return [t.call, t.board, t.notice, t.branch_notice, *self.counter_states()]

    def publish_ack(self, call_id: str, event: str, moment: datetime) -> None:
        """Proof that a call reached the screen or the speaker; queued by paho while offline.
        It names this process (``instance``): two machines may share a device id."""
        ack = Ack(call_id, event, moment, instance=self.instance)
        self.publish(self.topics.ack(self.device), ack.payload())

    def publish_request(
        self,
        request_id: str,
        counter: str,
        action: str,
        pressed: datetime,
        reason: str | None = None,
    ) -> None:
        """A counter's CounterRequest, QoS 1 (the engine acts on its id once). The broker
        drops it once it is older than a press may be: no customer is called an hour late."""
        request = CounterRequest(request_id, counter, action, pressed, reason=reason)
        max_age = int(self.config.buttons.max_age_s)
        self.publish(self.topics.counter_request(counter), request.payload(), expiry_s=max_age)

    def publish_rating(self, rating: Rating) -> None:
        """A customer's Rating from a pad wired here, QoS 1 (the engine records an id once);
        dropped by the broker once older than the pad keeps one."""
        rating_settings = self.config.rating
        max_age = int(rating_settings.max_age_s) if rating_settings is not None else None
        self.publish(self.topics.counter_rating(rating.counter), rating.payload(), expiry_s=max_age)

    def accept(self, topic: str, payload: bytes) -> None:
        match = self.topics.parse(topic)
        parser = PARSERS.get(match.kind) if match is not None else None
        if match is None or parser is None:
            return
        if not payload:  # a retained message being cleared, not a message
            scope = CLEARED.get(match.kind)
            if scope is not None:
                self._deliver(ScopedNotice(scope, Notice()))
            return
        try:
            parsed = parser(payload, match.key)
        except ContractError as exc:
            self.refuse(topic, exc.reason)
            return
        message_id = getattr(parsed, "id", None)
        if message_id is not None and not self._seen.first_time(topic, message_id):
            _LOG.debug("duplicate %s on %s ignored", message_id, topic)
            return
        self._deliver(parsed)
