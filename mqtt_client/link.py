"""The display's link to the broker, on paho-mqtt 2.x.

paho runs its network loop on a thread of its own. Everything in a paho callback is
guarded, because an exception there ends that thread and with it the link; and every
callback only validates and hands over to ``deliver`` (the daemon's inbox), so a slow
screen can never stall the network loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt

from config.journal import RateLimitedLog
from config.settings import Config
from lobby.contract import (
    CounterState,
    Notice,
    ScopedNotice,
    ack_payload,
    counter_request_payload,
    encode,
    format_ts,
    parse_board,
    parse_call,
    parse_counter_state,
    parse_notice,
)
from lobby.dedup import SeenIds
from lobby.errors import ContractError
from mqtt_client.client import new_client, no_delay
from mqtt_client.topics import Topics

_LOG = logging.getLogger(__name__)
QOS = 1
RECONNECT_MIN_S = 1
RECONNECT_MAX_S = 30


@dataclass(frozen=True)
class LinkState:
    """The broker link went up or down (the board shows a discreet badge while down)."""

    connected: bool
    reason: str = ""


@dataclass(frozen=True)
class Rejected:
    """A payload was refused (already logged); the daemon refreshes its DeviceStatus."""

    topic: str
    reason: str


Deliver = Callable[[object], None]
StatusFields = Callable[[], Mapping[str, Any]]


def _state_of(counter: str, raw: bytes) -> CounterState:
    state = parse_counter_state(raw)
    if state.counter != counter:
        raise ContractError(f"field 'counter' = {state.counter!r} is not the topic's {counter!r}")
    return state


def _now() -> datetime:
    return datetime.now(UTC).astimezone()


class MqttLink:
    """Subscribes to a site's board topics and publishes this device's status and acks."""

    def __init__(
        self,
        config: Config,
        deliver: Deliver,
        version: str,
        status_fields: StatusFields | None = None,
    ) -> None:
        self._config = config
        self._settings = config.mqtt
        self._deliver = deliver
        self._version = version
        self._status_fields = status_fields or dict
        self.topics = Topics(self._settings.topic_root, config.site)
        self._status_topic = self.topics.status(config.device)
        self._seen = SeenIds()
        self._rejected = 0
        self._lock = threading.Lock()
        self._warn = RateLimitedLog(_LOG)
        self._started = time.monotonic()
        self._connected = threading.Event()
        self._stopping = False
        self._parsers: dict[str, Callable[[bytes], object]] = {
            self.topics.call: parse_call,
            self.topics.board: parse_board,
            self.topics.notice: lambda raw: ScopedNotice("site", parse_notice(raw)),
            self.topics.branch_notice: lambda raw: ScopedNotice("branch", parse_notice(raw)),
        }
        self._client = self._make_client()

    @property
    def rejected(self) -> int:
        """Inbound payloads refused since start (reported in DeviceStatus)."""
        return self._rejected

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def alive(self) -> bool:
        """paho's network thread is running (connected or still trying)."""
        thread = getattr(self._client, "_thread", None)
        return thread is not None and thread.is_alive()

    def _make_client(self) -> mqtt.Client:
        client = new_client(
            self._settings,
            f"callboard-{self._config.site}-{self._config.device}",
            persistent=True,  # the broker keeps QoS 1 calls for us while we reconnect
        )
        client.will_set(self._status_topic, self._status_payload("offline"), qos=QOS, retain=True)
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        return client

    def start(self) -> None:
        """Connect in the background; paho retries forever, with backoff, until ``stop``."""
        settings = self._settings
        _LOG.info("connecting to the broker at %s:%d", settings.host, settings.port)
        self._client.connect_async(settings.host, settings.port, settings.keepalive)
        self._client.loop_start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Say ``offline`` (retained) while still connected, then disconnect cleanly."""
        self._stopping = True
        if self._connected.is_set():
            info = self._client.publish(
                self._status_topic, self._status_payload("offline"), qos=QOS, retain=True
            )
            try:
                info.wait_for_publish(timeout_s)
            except (RuntimeError, ValueError) as exc:
                _LOG.warning("could not say offline before stopping: %s", exc)
        self._client.disconnect()
        self._client.loop_stop()

    def wait_connected(self, timeout_s: float) -> bool:
        return self._connected.wait(timeout_s)

    def publish_ack(self, call_id: str, event: str, moment: datetime) -> None:
        """Proof that a call reached the screen or the speaker; queued by paho while offline."""
        payload = ack_payload(call_id, event, moment)
        self._client.publish(self.topics.ack(self._config.device), payload, qos=QOS)

    def publish_status(self) -> None:
        """Republish the retained DeviceStatus with fresh figures."""
        self._client.publish(
            self._status_topic, self._status_payload("online"), qos=QOS, retain=True
        )

    def _status_payload(self, state: str) -> bytes:
        fields: dict[str, Any] = {
            "device": self._config.device,
            "state": state,
            "version": self._version,
            "ts": format_ts(_now()),
            "uptime_s": int(time.monotonic() - self._started),
            "rejected": self._rejected,
        }
        if state == "online":
            try:
                fields.update(self._status_fields())
            except Exception:  # a bug in a figure must not cost the status itself
                _LOG.exception("status figures failed")
        return encode(fields)

    # paho callbacks: on paho's thread, guarded, quick.

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        try:
            if reason.is_failure:
                self._warn.warning("connect", "the broker refused the connection: %s", reason)
                return
            no_delay(client)
            topics = [(topic, QOS) for topic in self._parsers]
            topics.append((self.topics.counter_state("+"), QOS))
            client.subscribe(topics)
            client.publish(self._status_topic, self._status_payload("online"), qos=QOS, retain=True)
            self._connected.set()
            _LOG.info("connected to the broker; listening on %s/#", self.topics.prefix)
            self._deliver(LinkState(True))
        except Exception:
            _LOG.exception("error while handling the broker's connect")

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        try:
            was_connected = self._connected.is_set()
            self._connected.clear()
            if self._stopping:
                _LOG.info("disconnected from the broker")
            elif was_connected:
                self._warn.warning("disconnect", "lost the broker (%s); reconnecting", reason)
                self._deliver(LinkState(False, str(reason)))
        except Exception:
            _LOG.exception("error while handling the broker's disconnect")

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            self._accept(message.topic, bytes(message.payload))
        except Exception:
            _LOG.exception("error while handling a message on %s", message.topic)

    def publish_request(
        self, request_id: str, counter: str, action: str, pressed: datetime
    ) -> None:
        """A counter's CounterRequest, QoS 1 (the engine acts on its id once)."""
        payload = counter_request_payload(request_id, action, pressed)
        self._client.publish(self.topics.counter_request(counter), payload, qos=QOS)

    def _parser_for(self, topic: str) -> Callable[[bytes], object] | None:
        parser = self._parsers.get(topic)
        if (
            parser is None
            and topic.startswith(f"{self.topics.prefix}/counter/")
            and topic.endswith("/state")
        ):
            counter = topic.split("/")[-2]
            return lambda raw: _state_of(counter, raw)
        return parser

    def _accept(self, topic: str, payload: bytes) -> None:
        parser = self._parser_for(topic)
        if parser is None:
            return
        if not payload:  # a retained message being cleared, not a message
            if topic in (self.topics.notice, self.topics.branch_notice):
                scope = "site" if topic == self.topics.notice else "branch"
                self._deliver(ScopedNotice(scope, Notice()))
            return
        try:
            parsed = parser(payload)
        except ContractError as exc:
            with self._lock:
                self._rejected += 1
            self._warn.warning(f"reject:{topic}", "refused a message on %s: %s", topic, exc.reason)
            self._deliver(Rejected(topic, exc.reason))
            return
        message_id = getattr(parsed, "id", None)
        if message_id is not None and not self._seen.first_time(topic, message_id):
            _LOG.debug("duplicate %s on %s ignored", message_id, topic)
            return
        self._deliver(parsed)
