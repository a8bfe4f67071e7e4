"""A rating pad's own link, on a Pi with only the pad (``callboard pad``): its counter's
retained state in; its ratings and pause requests out, as the counter's device (the
broker's ACL lets a counter device read its state and write its requests and ratings)."""

from __future__ import annotations

from datetime import datetime

from config.settings import Config
from lobby.contract import CounterRequest, CounterState, Rating
from lobby.errors import ContractError
from mqtt_client.session import Deliver, Session


class PadLink(Session):
    """One counter device's session: ``role`` counter."""

    role = "counter"
    session_expiry_s = 300

    def __init__(self, config: Config, deliver: Deliver, version: str) -> None:
        super().__init__(config, config.device, deliver, version)
        assert config.rating is not None
        self.counter = config.rating.counter
        self._max_age = int(config.rating.max_age_s)

    def subscriptions(self) -> list[str]:
        return [self.topics.counter_state(self.counter)]

    def publish_rating(self, rating: Rating) -> None:
        self.publish(
            self.topics.counter_rating(rating.counter), rating.payload(), expiry_s=self._max_age
        )

    def publish_request(
        self,
        request_id: str,
        counter: str,
        action: str,
        pressed: datetime,
        reason: str | None = None,
    ) -> None:
        request = CounterRequest(request_id, counter, action, pressed, reason=reason)
        max_age = int(self.config.buttons.max_age_s)
        self.publish(self.topics.counter_request(counter), request.payload(), expiry_s=max_age)

    def accept(self, topic: str, payload: bytes) -> None:
        match = self.topics.parse(topic)
        if match is None or match.kind != "counter_state" or not payload:
            return
        try:
            self._deliver(CounterState.parse(payload, match.key))
        except ContractError as exc:
            self.refuse(topic, exc.reason)
