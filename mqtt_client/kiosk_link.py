"""The ticket machine's link to the broker: ticket requests out; the engine's answers (a
ticket, or why there is none), the waiting counts (the retained board) and the counters'
states (open or paused) in."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from config.settings import Config
from lobby.contract import (
    BoardSnapshot,
    CounterState,
    TicketIssued,
    TicketRefused,
    TicketRequest,
)
from lobby.errors import ContractError
from mqtt_client.session import Deliver, Session

_LOG = logging.getLogger(__name__)

PARSERS: dict[str, Callable[[bytes, str], object]] = {
    "ticket_issued": lambda raw, key: TicketIssued.parse(raw),
    "ticket_refused": lambda raw, key: TicketRefused.parse(raw),
    "board": lambda raw, key: BoardSnapshot.parse(raw),
    "counter_state": lambda raw, key: CounterState.parse(raw, key),
}


class KioskLink(Session):
    """One kiosk's session; its requests expire at the broker when the kiosk stops waiting."""

    role = "kiosk"
    session_expiry_s = 60

    def __init__(self, config: Config, deliver: Deliver, version: str) -> None:
        super().__init__(config, config.device, deliver, version)
        kiosk = config.kiosk
        # The broker drops a request nobody took before the kiosk gave up on it: a ticket
        # issued after the customer was told to ask the desk would be called for nobody.
        self._request_expiry = math.ceil(kiosk.answer_s * kiosk.tries)

    def subscriptions(self) -> list[str]:
        t = self.topics
        return [t.ticket_issued, t.ticket_refused, t.board, *self.counter_states()]

    def ask(self, request: TicketRequest) -> None:
        self.publish(self.topics.ticket_request, request.payload(), expiry_s=self._request_expiry)

    def accept(self, topic: str, payload: bytes) -> None:
        match = self.topics.parse(topic)
        parser = PARSERS.get(match.kind) if match is not None else None
        if match is None or parser is None or not payload:
            return
        try:
            self._deliver(parser(payload, match.key))
        except ContractError as exc:
            self.refuse(topic, exc.reason)
