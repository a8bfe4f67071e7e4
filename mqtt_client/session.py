"""One callboard process's session with the broker: the base every link builds on.

paho-mqtt 2 runs the network loop on a thread of its own. Every callback here is guarded
(an exception would end that thread, and with it the link) and quick: it validates and
hands over to ``deliver`` (the owner's inbox). The session publishes a retained
DeviceStatus with a last will saying ``offline``, reconnects with backoff, counts and logs
refused payloads, and reads the owner's figures only as an immutable snapshot that the
owner replaces whole (``set_status``), never by calling into the owner's state.

Each process start is an *instance* (a random id): the client id carries it, so two
machines given one device id (a cloned SD card) no longer take each other's connection
and split the calls between them. Both keep working; each sees the other's status on its
own status topic and says so in its DeviceStatus ``faults`` and its log, once.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import paho.mqtt.client as mqtt

from config.journal import RateLimitedLog
from config.settings import Config
from lobby.contract import DeviceStatus
from lobby.errors import ContractError
from lobby.topics import Topics
from mqtt_client.client import (
    connect_options,
    detect_protocol,
    expiring,
    known_protocol,
    new_client,
    no_delay,
    protocol_for,
)

_LOG = logging.getLogger(__name__)
QOS = 1
RECONNECT_MIN_S = 1
RECONNECT_MAX_S = 30

Deliver = Callable[[object], None]


@dataclass(frozen=True)
class LinkState:
    """The broker link went up or down (the board shows a discreet badge while down)."""

    connected: bool
    reason: str = ""


@dataclass(frozen=True)
class Rejected:
    """A payload was refused (already logged); the owner refreshes its DeviceStatus."""

    topic: str
    reason: str


def utc_now() -> datetime:
    return datetime.now(UTC).astimezone()


class Session:
    """A broker session with a retained status and a last will; subclasses add topics."""

    role: str | None = None
    """DeviceStatus ``role`` of this kind of process."""
    session_expiry_s = 0
    """How long the broker keeps this session (and the QoS 1 messages for it) after a
    lost connection: long enough for a network blip, never overnight."""

    def __init__(self, config: Config, device: str, deliver: Deliver, version: str) -> None:
        self.config = config
        self.device = device
        self.instance = secrets.token_hex(4)
        """This process start, on the wire: tells two processes with one device id apart."""
        self.topics = Topics(config.mqtt.topic_root, config.site)
        self._deliver = deliver
        self._version = version
        self._started = time.monotonic()
        self._status_topic = self.topics.status(device)
        self._figures: Mapping[str, Any] = MappingProxyType({})
        self._rejected = 0
        self._count_lock = threading.Lock()
        self._connected = threading.Event()
        self._subscribed = threading.Event()
        self._subscribe_mid: int | None = None
        self._network_thread: threading.Thread | None = None
        self._stopping = False
        self._twins: dict[str, DeviceStatus] = {}  # paho's thread only
        self._faults: tuple[str, ...] = ()  # replaced whole
        self.warn = RateLimitedLog(_LOG)
        self._stopped = threading.Event()
        self.client = self._new_client()

    def _new_client(self) -> mqtt.Client:
        """The client for the version the broker speaks, as far as this process knows."""
        client = new_client(self.config.mqtt, self.client_id)
        client.will_set(self._status_topic, self.status_payload("offline"), qos=QOS, retain=True)
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    # What subclasses say

    @property
    def client_id(self) -> str:
        return f"callboard-{self.config.site}-{self.device}-{self.instance}"

    def subscriptions(self) -> list[str]:
        """Topics to (re)subscribe at every connect. A retained topic is named exactly
        (RabbitMQ gives a retained message only to a subscription to its very topic), and
        a wildcard is kept for what cannot be named; none overlaps another, so mosquitto
        sends nothing twice."""
        return []

    def counter_states(self) -> list[str]:
        """Each counter's retained state topic, by name (every counter of the config)."""
        return [self.topics.counter_state(counter.id) for counter in self.config.counters]

    def accept(self, topic: str, payload: bytes) -> None:
        """A message arrived (on paho's thread): validate it and hand it over."""

    def connected_now(self, client: mqtt.Client) -> None:
        """Called on paho's thread after every connect, once subscribed."""

    @property
    def announced(self) -> bool:
        """Whether to say ``online`` at connect (an engine says it only once it serves)."""
        return True

    # Life

    def start(self) -> None:
        """Connect in the background; paho retries forever, with backoff, until ``stop``.
        With ``[mqtt] protocol = "auto"`` the broker is first asked which MQTT it speaks (on
        a thread of its own, as long as it takes the broker to answer)."""
        if known_protocol(self.config.mqtt):
            self._connect()
            return
        thread = threading.Thread(target=self._detect_then_connect, name="mqtt-version")
        self._network_thread = thread
        thread.start()

    def _detect_then_connect(self) -> None:
        settings = self.config.mqtt
        wait = RECONNECT_MIN_S
        while not self._stopping and detect_protocol(settings) is None:
            self.warn.warning(
                "detect", "the broker at %s:%d does not answer yet", settings.host, settings.port
            )
            self._stopped.wait(wait)
            wait = min(wait * 2, RECONNECT_MAX_S)
        if self._stopping:
            return
        if protocol_for(settings) != "5":
            self.client = self._new_client()
        self._network_thread = None  # paho's own thread reports from now on
        self._connect()

    def _connect(self) -> None:
        settings = self.config.mqtt
        _LOG.info("connecting to the broker at %s:%d", settings.host, settings.port)
        self.client.connect_async(
            settings.host,
            settings.port,
            settings.keepalive,
            **connect_options(self.client, self.session_expiry_s),
        )  # a clean start the first time, this session resumed after a lost connection
        self.client.loop_start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Say ``offline`` (retained) while still connected, then disconnect cleanly."""
        self._stopping = True
        self._stopped.set()
        detecting = self._network_thread
        if detecting is not None and detecting.name == "mqtt-version":
            detecting.join(timeout_s)  # still asking the broker its version: nothing to close
        if self._connected.is_set():
            info = self.client.publish(
                self._status_topic, self.status_payload("offline"), qos=QOS, retain=True
            )
            try:
                info.wait_for_publish(timeout_s)
            except (RuntimeError, ValueError) as exc:
                _LOG.warning("could not say offline before stopping: %s", exc)
        self.client.disconnect()
        self.client.loop_stop()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout_s: float) -> bool:
        return self._connected.wait(timeout_s)

    def wait_subscribed(self, timeout_s: float) -> bool:
        """Connected, and the broker has confirmed this connection's subscriptions."""
        return self._subscribed.wait(timeout_s)

    @property
    def alive(self) -> bool:
        """The network thread runs (connected or still trying); True until it first reports."""
        thread = self._network_thread
        return not self._stopping and (thread is None or thread.is_alive())

    @property
    def rejected(self) -> int:
        """Inbound payloads refused since start (reported in DeviceStatus)."""
        return self._rejected

    # Status

    def set_status(self, figures: Mapping[str, Any]) -> None:
        """The owner's figures for the next DeviceStatus, replaced whole (any thread)."""
        self._figures = MappingProxyType(dict(figures))

    @property
    def faults(self) -> tuple[str, ...]:
        """What is wrong with this session's device (another process with its id), in words."""
        return self._faults

    def status_payload(self, state: str) -> bytes:
        figures = dict(self._figures) if state == "online" else {}
        faults = (*self._faults, *figures.pop("faults", ()))
        return DeviceStatus(
            device=self.device,
            state=state,
            version=self._version,
            ts=utc_now(),
            uptime_s=int(time.monotonic() - self._started),
            rejected=self._rejected,
            role=self.role,
            instance=self.instance,
            faults=faults if state == "online" else (),
            figures=figures,
        ).payload()

    def publish_status(self) -> None:
        """Republish the retained DeviceStatus with fresh figures."""
        self.client.publish(self._status_topic, self.status_payload("online"), qos=QOS, retain=True)

    def publish(
        self, topic: str, payload: bytes, retain: bool = False, expiry_s: int | None = None
    ) -> mqtt.MQTTMessageInfo:
        """QoS 1; queued by paho while the broker is away; ``expiry_s``: MQTT 5 expiry."""
        return self.client.publish(
            topic, payload, qos=QOS, retain=retain, properties=expiring(self.client, expiry_s)
        )

    def refuse(self, topic: str, reason: str) -> None:
        """A payload broke the contract: counted, logged (rate-limited), the owner told."""
        with self._count_lock:
            self._rejected += 1
        self.warn.warning(f"reject:{topic}", "refused a message on %s: %s", topic, reason)
        self._deliver(Rejected(topic, reason))

    # paho's thread: guarded, quick

    def _note_thread(self) -> None:
        if self._network_thread is None:
            self._network_thread = threading.current_thread()

    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self._note_thread()
        try:
            if reason.is_failure:
                self.warn.warning("connect", "the broker refused the connection: %s", reason)
                return
            no_delay(client)
            topics = [self._status_topic, *self.subscriptions()]
            _result, self._subscribe_mid = client.subscribe([(topic, QOS) for topic in topics])
            if self.announced:
                client.publish(
                    self._status_topic, self.status_payload("online"), qos=QOS, retain=True
                )
            self.connected_now(client)
        except Exception:
            _LOG.exception("error while handling the broker's connect")
        finally:
            if not reason.is_failure:  # whatever else failed, the link is up
                self._connected.set()
                _LOG.info("connected to the broker as %s", self.device)
                self._deliver(LinkState(True))

    def _on_connect_fail(self, _client: mqtt.Client, _userdata: Any) -> None:
        self._note_thread()

    def _on_subscribe(self, _c: mqtt.Client, _u: Any, mid: int, _codes: Any, _p: Any) -> None:
        if mid == self._subscribe_mid:
            self._subscribed.set()

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self._note_thread()
        try:
            was_connected = self._connected.is_set()
            self._connected.clear()
            self._subscribed.clear()
            if self._stopping:
                _LOG.info("disconnected from the broker")
            elif was_connected:
                self.warn.warning("disconnect", "lost the broker (%s); reconnecting", reason)
                self._deliver(LinkState(False, str(reason)))
        except Exception:
            _LOG.exception("error while handling the broker's disconnect")

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            if message.topic == self._status_topic:
                self._note_own_status(bytes(message.payload))
            else:
                self.accept(message.topic, bytes(message.payload))
        except Exception:
            _LOG.exception("error while handling a message on %s", message.topic)

    def _note_own_status(self, payload: bytes) -> None:
        """Our own status topic: another process saying it is this device (a clone)?"""
        if not payload:
            return
        try:
            status = DeviceStatus.parse(payload)
        except ContractError:
            return
        if status.instance is None or status.instance == self.instance:
            return
        if status.state == "online":
            known = status.instance in self._twins
            self._twins[status.instance] = status
            if known:
                return
            _LOG.warning(
                "another process is using this device id %r (instance %s, here %s): "
                "both go on working, but give each machine its own [device] id",
                self.device,
                status.instance,
                self.instance,
            )
        elif self._twins.pop(status.instance, None) is not None:
            _LOG.info("the other process with device id %r has stopped", self.device)
        else:
            return  # an earlier run of this device saying offline: nothing new
        self._faults = tuple(
            f"another process uses device id {self.device} (instance {instance})"
            for instance in sorted(self._twins)
        )
        if self.connected and self.announced and not self._stopping:
            self.publish_status()  # ours again as the retained status, with the fault said
