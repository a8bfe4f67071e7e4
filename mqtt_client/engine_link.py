"""The queue engine's two broker connections.

``EngineLink`` is the engine's session like any process's: its DeviceStatus, and a watch on
the site's lease topic (``{p}/engine/lease``) and retained board. ``ServingLink`` is the
one connection through which a site is served: requests in, calls, boards and tickets
out. Its client id is the site's, not the engine's (``callboard-engine-{site}``), so the
broker itself guarantees that at any moment at most one engine of a site is connected to
serve it: a second connection with that id takes the first one's place, and the first
one, told so, stops at once. engine/lease.py decides when an engine may connect it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt

from config.settings import Config
from lobby.contract import (
    BoardSnapshot,
    CounterRequest,
    EngineLease,
    Rating,
    StatsRequest,
    TicketRequest,
)
from lobby.errors import ContractError
from lobby.topics import Topics
from mqtt_client.client import (
    SESSION_TAKEN_OVER,
    connect_options,
    expiring,
    new_client,
    no_delay,
    will_properties,
)
from mqtt_client.session import QOS, Deliver, Session, utc_now

_LOG = logging.getLogger(__name__)
SERVING_SESSION_S = 3600  # requests wait this long at the broker for the site's next engine
WILL_DELAY_S = 5  # a takeover of the serving id within this does not say "free"


@dataclass(frozen=True)
class LeaseView:
    """What the lease topic said, as of a moment the broker vouches for."""

    lease: EngineLease | None
    """The last ``held`` or ``free`` (None: nobody ever held it)."""
    changes: int
    """How many held/free messages this engine has seen: a change shows as a new count."""


Request = TicketRequest | CounterRequest | Rating | StatsRequest
PARSERS: dict[str, Callable[[bytes, str], Request]] = {
    "ticket_request": lambda raw, key: TicketRequest.parse(raw),
    "counter_request": CounterRequest.parse,
    "counter_rating": Rating.parse,
    "stats_request": lambda raw, key: StatsRequest.parse(raw),
}


@dataclass(frozen=True)
class Inbound:
    """A request from the wire, to be acknowledged to the broker once it is applied."""

    request: Request
    mid: int | None
    """The message to acknowledge once applied; None when it was acknowledged on arrival."""
    via: ServingLink
    """The connection it came on: only that one may acknowledge it."""


@dataclass(frozen=True)
class ServingLost:
    """The serving connection is gone; ``taken_over``: another engine connected in its place."""

    taken_over: bool
    reason: str


class EngineLink(Session):
    """The engine's own session: its status, and what it sees of the site's lease."""

    role = "engine"

    def __init__(self, config: Config, deliver: Deliver, version: str) -> None:
        super().__init__(config, f"{config.device}-queue", deliver, version)
        self._cond = threading.Condition()
        self._lease: EngineLease | None = None
        self._changes = 0
        self._echoes: dict[str, LeaseView] = {}
        self.board: BoardSnapshot | None = None
        """The site's retained board as last seen (a restored store shows against it)."""
        self.serving = False
        self._holding: ServingLink | None = None

    @property
    def announced(self) -> bool:
        return self.serving

    def subscriptions(self) -> list[str]:
        return [self.topics.engine_lease, self.topics.board]

    def lease(self, epoch: str | None = None, state: str = "held") -> EngineLease:
        return EngineLease(state, self.instance, self.device, utc_now(), epoch)

    def hold(self, serving: ServingLink | None) -> None:
        """Answer for ``serving``'s lease from now on (None: no longer).

        Answers go out on this connection, not the serving one: that one may be waiting on
        the broker's window of unacknowledged requests (a burst), and a probe that waited
        behind them would make a newcomer think this engine dead.
        """
        self._holding = serving

    def probe(self, timeout_s: float) -> LeaseView | None:
        """Ask the lease topic; the view holds everything the broker had before the probe
        came back to us. None if the broker did not answer in time."""
        nonce = secrets.token_hex(6)
        probe = EngineLease("probe", self.instance, self.device, utc_now(), nonce=nonce)
        self.publish(self.topics.engine_lease, probe.payload())
        with self._cond:
            if not self._cond.wait_for(lambda: nonce in self._echoes, timeout_s):
                return None
            return self._echoes.pop(nonce)

    def wait_change(self, changes: int, timeout_s: float) -> bool:
        """Wait until a held/free message after ``changes``; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._changes != changes, timeout_s)

    def answered(self, holder: str, changes: int, timeout_s: float) -> bool:
        """Did ``holder`` say ``held`` again (as a live holder answers a probe) in time?"""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while True:
                lease = self._lease
                if self._changes != changes and lease is not None:
                    return lease.state == "held" and lease.instance == holder
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    return False

    def accept(self, topic: str, payload: bytes) -> None:
        match = self.topics.parse(topic)
        if match is None or not payload:
            return
        try:
            if match.kind == "engine_lease":
                self._note_lease(EngineLease.parse(payload))
            elif match.kind == "board":
                self.board = BoardSnapshot.parse(payload)
        except ContractError as exc:
            self.refuse(topic, exc.reason)

    def _note_lease(self, lease: EngineLease) -> None:
        with self._cond:
            if lease.state == "probe":
                if lease.instance == self.instance and lease.nonce:
                    # The view as of the echo, before anything that follows it (an answer).
                    self._echoes[lease.nonce] = LeaseView(self._lease, self._changes)
            else:
                self._lease = lease
                self._changes += 1
            self._cond.notify_all()
        holding = self._holding
        if holding is not None and lease.instance != self.instance and not holding.lost.is_set():
            # Anyone else's word on the lease (a probe, a late will): say "held" again.
            self.publish(self.topics.engine_lease, holding.held.payload(), retain=True)


class ServingLink:
    """The site's one serving connection: requests in, the engine's messages out."""

    def __init__(self, config: Config, deliver: Deliver, held: EngineLease) -> None:
        self.topics = Topics(config.mqtt.topic_root, config.site)
        self._config = config
        self._deliver = deliver
        self.held = held
        self._connack = threading.Event()
        self._refused = ""
        self.lost = threading.Event()
        self._closing = False
        self._acking = False
        self.client = new_client(
            config.mqtt,
            f"callboard-engine-{config.site}",
            reconnect=False,
            manual_ack=True,
            keep_session=True,  # one id per site: its queue is the next engine's
        )
        free = EngineLease("free", held.instance, held.device, held.ts, held.epoch)
        self.client.will_set(
            self.topics.engine_lease,
            free.payload(),
            qos=QOS,
            retain=True,
            properties=will_properties(self.client, WILL_DELAY_S),
        )
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    def requests(self) -> list[str]:
        """What the site's engine takes: tickets, counters' requests and ratings, figures."""
        t = self.topics
        return [
            t.ticket_request,
            t.counter_request("+"),
            t.counter_rating("+"),
            t.stats_request,
        ]

    def connect(self, timeout_s: float) -> bool:
        """Connect (resuming the site's serving session); True once the broker accepted."""
        settings = self._config.mqtt
        try:
            self.client.connect(
                settings.host,
                settings.port,
                settings.keepalive,
                **connect_options(self.client, SERVING_SESSION_S, clean_start=False),
            )
        except (OSError, ValueError) as exc:
            _LOG.debug("serving connection failed: %s", exc)
            return False
        self.client.loop_start()
        if not self._connack.wait(timeout_s) or self._refused:
            self.close()
            return False
        return not self.lost.is_set()

    def claim(self, timeout_s: float = 5.0) -> bool:
        """Say ``held`` (retained) and wait for the broker to have it."""
        return self.send(self.topics.engine_lease, self.held.payload(), True, timeout_s=timeout_s)

    def send(
        self,
        topic: str,
        payload: bytes,
        retain: bool,
        expiry_s: int | None = None,
        timeout_s: float = 2.0,
    ) -> bool:
        """Publish and wait for the broker to have it; False if it could not be confirmed."""
        if self.lost.is_set():
            return False
        info = self.client.publish(topic, payload, QOS, retain, expiring(self.client, expiry_s))
        try:
            info.wait_for_publish(timeout_s)
        except (RuntimeError, ValueError):
            return False
        return info.is_published()

    def ack(self, mid: int | None) -> None:
        """The request with this message id is applied: the broker may forget it."""
        if mid is not None:
            self.client.ack(mid, QOS)

    def serve(self) -> None:
        """From now on, acknowledge requests as they arrive.

        While settling, requests stay unacknowledged at the broker, so that if another
        engine takes the site meanwhile they go to it. Once serving they are acknowledged on
        arrival, as paho would: the broker's queue for one client is bounded (mosquitto
        drops QoS 1 messages past 1,000 queued), and a burst must drain at network speed.
        """
        self._acking = True

    def release(self, timeout_s: float = 2.0) -> None:
        """Say ``free`` while still connected, then disconnect cleanly (no will)."""
        if not self.lost.is_set():
            free = EngineLease("free", self.held.instance, self.held.device, utc_now())
            self.send(self.topics.engine_lease, free.payload(), True, timeout_s=timeout_s)
        self.close()

    def close(self) -> None:
        self._closing = True
        self.client.disconnect()
        self.client.loop_stop()

    # paho's thread: guarded, quick

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        try:
            if reason.is_failure:
                self._refused = str(reason)
                _LOG.warning("the broker refused the serving connection: %s", reason)
            else:
                no_delay(client)
                # At once, even while settling: requests wait here, unacknowledged, and go
                # to whichever engine ends up serving (the session is the site's).
                client.subscribe([(topic, QOS) for topic in self.requests()])
        except Exception:
            _LOG.exception("error while handling the serving connection's connect")
        finally:
            self._connack.set()

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        try:
            taken = getattr(reason, "value", None) == SESSION_TAKEN_OVER
            if not self.lost.is_set() and not self._closing:
                self._deliver(ServingLost(taken, str(reason)))
        except Exception:
            _LOG.exception("error while handling the serving connection's disconnect")
        finally:
            self.lost.set()
            self._connack.set()

    def _on_message(self, client: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        try:
            self._accept(client, message)
        except Exception:
            _LOG.exception("error while handling a message on %s", message.topic)

    def _accept(self, client: mqtt.Client, message: mqtt.MQTTMessage) -> None:
        match = self.topics.parse(message.topic)
        payload = bytes(message.payload)
        request: Request | None = None
        try:
            if match is not None and match.kind in PARSERS:
                request = PARSERS[match.kind](payload, match.key)
        except ContractError as exc:
            self._deliver(Refused(message.topic, exc.reason))
        if (request is None or self._acking) and message.qos > 0:
            client.ack(message.mid, message.qos)
        if request is not None:
            self._deliver(Inbound(request, None if self._acking else message.mid, self))


@dataclass(frozen=True)
class Refused:
    """A request that broke the contract (logged and counted by the engine)."""

    topic: str
    reason: str
