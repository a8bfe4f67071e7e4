"""The web console's link to the broker.

In: the retained board, every counter's state, every device's status, both notices (the
site's and the branch's), the day's figures and the engine's answers to figure requests.
Out: the tellers' CounterRequests, the manager's Notices (retained) and StatsRequests.

The console speaks only the contract, so it works with any engine that keeps it. Its
request ids carry the device and this process's instance, so two consoles (or one
restarted, or a cloned card) never send an id the engine has already acted on.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from config.settings import Config
from lobby.contract import (
    BoardSnapshot,
    CounterRequest,
    CounterState,
    DayFigures,
    DeviceStatus,
    Notice,
    ScopedNotice,
    StatsPage,
    StatsRequest,
)
from lobby.errors import ContractError
from mqtt_client.session import Deliver, Session, utc_now

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusCleared:
    """A device's retained status was removed (a zero-length retained message)."""

    device: str


def _notice(scope: str) -> Callable[[bytes, str], object]:
    def parse(raw: bytes, _key: str) -> object:
        return ScopedNotice(scope, Notice.parse(raw) if raw else Notice())

    return parse


PARSERS: dict[str, Callable[[bytes, str], object]] = {
    "board": lambda raw, key: BoardSnapshot.parse(raw),
    "counter_state": lambda raw, key: CounterState.parse(raw, key),
    "status": lambda raw, key: DeviceStatus.parse(raw) if raw else StatusCleared(key),
    "notice": _notice("site"),
    "branch_notice": _notice("branch"),
    "stats_today": lambda raw, key: DayFigures.parse(raw),
    "stats_reply": lambda raw, key: StatsPage.parse(raw),
}
EMPTY_MEANS_SOMETHING = {"status", "notice", "branch_notice"}


class ConsoleLink(Session):
    """The console's session: role ``console``, its status as ``{device}-console``."""

    role = "console"
    session_expiry_s = 0  # everything it shows is retained: a fresh start loses nothing

    def __init__(self, config: Config, deliver: Deliver, version: str) -> None:
        super().__init__(config, f"{config.device}-console", deliver, version)
        self._numbers = itertools.count(1)
        self._number_lock = threading.Lock()

    def subscriptions(self) -> list[str]:
        t = self.topics
        return [
            t.board,
            *self.counter_states(),
            t.status("+"),  # device ids are not in the config: see README, RabbitMQ
            t.notice,
            t.branch_notice,
            t.stats_today,
            t.stats_reply,
        ]

    def accept(self, topic: str, payload: bytes) -> None:
        match = self.topics.parse(topic)
        parser = PARSERS.get(match.kind) if match is not None else None
        if match is None or parser is None:
            return
        if not payload and match.kind not in EMPTY_MEANS_SOMETHING:
            return  # a cleared retained topic: nothing to show
        try:
            self._deliver(parser(payload, match.key))
        except ContractError as exc:
            self.refuse(topic, exc.reason)

    def new_id(self, kind: str) -> str:
        """``w-<device>-<instance>-000017``: unique across restarts, clones and consoles."""
        with self._number_lock:
            number = next(self._numbers)
        return f"{kind}-{self.device}-{self.instance}-{number:06d}"

    def press(
        self,
        counter: str,
        action: str,
        to_service: str | None = None,
        ticket: str | None = None,
        reason: str | None = None,
    ) -> CounterRequest:
        """A teller's action for a counter, on the wire; it expires at the broker when no
        engine takes it in time (``[console] request_expiry_s``)."""
        request = CounterRequest(
            self.new_id("w"), counter, action, utc_now(), to_service, ticket, reason
        )
        self.publish(
            self.topics.counter_request(counter),
            request.payload(),
            expiry_s=self.config.console.request_expiry_s,
        )
        return request

    def post_notice(self, scope: str, notice: Notice) -> None:
        """The site's or the branch's notice, retained; an empty one clears the board's."""
        topic = self.topics.branch_notice if scope == "branch" else self.topics.notice
        self.publish(topic, notice.payload(), retain=True)

    def ask_figures(self, first: date, last: date) -> StatsRequest:
        """The engine answers on ``{p}/stats/reply`` in parts, under this request's id."""
        request = StatsRequest(self.new_id("s"), first, last, utc_now())
        self.publish(self.topics.stats_request, request.payload(), expiry_s=60)
        return request
