"""The queue engine's link to the broker: requests in, calls and boards out.

Like the display's link: paho-mqtt 2 on its own thread, every callback guarded and quick,
subscriptions made in ``on_connect``, a retained status with a last will. Before taking
requests it looks at the site's retained statuses: a second engine for a site refuses.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt

from config.journal import RateLimitedLog
from config.settings import Config
from lobby.contract import (
    encode,
    format_ts,
    parse_counter_request,
    parse_ticket_request,
)
from lobby.errors import ContractError
from mqtt_client.client import new_client, no_delay
from mqtt_client.link import QOS, RECONNECT_MAX_S, RECONNECT_MIN_S, LinkState, Rejected
from mqtt_client.topics import Topics

_LOG = logging.getLogger(__name__)
ROLE = "queue-engine"
LOOK_S = 1.5  # how long to listen for another engine's retained status


class EngineLink:
    """Subscribes to counter and ticket requests; publishes what the engine decides."""

    def __init__(
        self,
        config: Config,
        deliver: Callable[[object], None],
        version: str,
        status_fields: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self._config = config
        self._deliver = deliver
        self._version = version
        self._status_fields = status_fields or dict
        self.topics = Topics(config.mqtt.topic_root, config.site)
        self.device = f"{config.device}-queue"
        self._status_topic = self.topics.status(self.device)
        self._warn = RateLimitedLog(_LOG)
        self._started = time.monotonic()
        self.rejected = 0
        self.others: dict[str, dict[str, Any]] = {}
        self._looked = threading.Event()
        self._serving = False
        self.connected = threading.Event()
        self._client = new_client(
            config.mqtt, f"callboard-{config.site}-{self.device}", persistent=True
        )
        self._client.will_set(self._status_topic, self._status("offline"), qos=QOS, retain=True)
        self._client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    def _status(self, state: str) -> bytes:
        fields: dict[str, Any] = {
            "device": self.device,
            "state": state,
            "role": ROLE,
            "version": self._version,
            "ts": format_ts(datetime.now(UTC).astimezone()),
            "uptime_s": int(time.monotonic() - self._started),
            "rejected": self.rejected,
        }
        if state == "online":
            fields.update(self._status_fields())
        return encode(fields)

    @property
    def alive(self) -> bool:
        """paho's network thread is running (connected or still trying)."""
        thread = getattr(self._client, "_thread", None)
        return thread is not None and thread.is_alive()

    def look_for_others(self, timeout_s: float = 10.0) -> dict[str, dict[str, Any]]:
        """Connect and return the other engines that say they are online for this site."""
        settings = self._config.mqtt
        self._client.connect_async(settings.host, settings.port, settings.keepalive)
        self._client.loop_start()
        if not self.connected.wait(timeout_s):
            return {}  # no broker yet: nobody else can be serving either; paho keeps trying
        time.sleep(LOOK_S)
        self._looked.set()
        return {d: s for d, s in self.others.items() if s.get("state") == "online"}

    def serve(self) -> None:
        """Take requests from now on (after ``look_for_others`` found nobody)."""
        self._serving = True
        self._subscribe_requests()
        self.publish_status()

    def _subscribe_requests(self) -> None:
        self._client.subscribe(
            [(self.topics.counter_request("+"), QOS), (self.topics.ticket_request, QOS)]
        )

    def publish(self, topic: str, payload: bytes, retain: bool, timeout_s: float = 2.0) -> bool:
        """Publish and wait for the broker to have it; False if it could not be confirmed."""
        if not self.connected.is_set():
            return False
        info = self._client.publish(topic, payload, qos=QOS, retain=retain)
        try:
            info.wait_for_publish(timeout_s)
        except (RuntimeError, ValueError):
            return False
        return info.is_published()

    def publish_status(self) -> None:
        self._client.publish(self._status_topic, self._status("online"), qos=QOS, retain=True)

    def stop(self) -> None:
        if self.connected.is_set():
            info = self._client.publish(
                self._status_topic, self._status("offline"), qos=QOS, retain=True
            )
            with contextlib.suppress(RuntimeError, ValueError):  # stopping anyway
                info.wait_for_publish(2)
        self._client.disconnect()
        self._client.loop_stop()

    # paho's thread

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        try:
            if reason.is_failure:
                self._warn.warning("connect", "the broker refused the engine: %s", reason)
                return
            no_delay(client)
            client.subscribe(self.topics.status("+"), qos=QOS)
            if self._serving:
                self._subscribe_requests()
                client.publish(self._status_topic, self._status("online"), qos=QOS, retain=True)
            self.connected.set()
            self._deliver(LinkState(True))
        except Exception:
            _LOG.exception("error while handling the broker's connect")

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        try:
            if self.connected.is_set():
                self.connected.clear()
                self._deliver(LinkState(False, str(reason)))
        except Exception:
            _LOG.exception("error while handling the broker's disconnect")

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        try:
            self._accept(message.topic, bytes(message.payload))
        except Exception:
            _LOG.exception("error while handling a message on %s", message.topic)

    def _accept(self, topic: str, payload: bytes) -> None:
        parts = topic.split("/")
        if topic.startswith(f"{self.topics.prefix}/status/") and len(parts) == len(
            self.topics.status("x").split("/")
        ):
            self._note_status(parts[-1], payload)
            return
        try:
            if topic == self.topics.ticket_request:
                request: Any = parse_ticket_request(payload)
            elif topic.endswith("/request") and "/counter/" in topic:
                request = parse_counter_request(payload, parts[-2])
            else:
                return
        except ContractError as exc:
            self.rejected += 1
            self._warn.warning(f"reject:{topic}", "refused a request on %s: %s", topic, exc.reason)
            self._deliver(Rejected(topic, exc.reason))
            return
        # No de-duplication here: the store keeps every applied id in the same transaction
        # as the change, so a redelivery changes nothing (and a retried ticket is answered).
        self._deliver(request)

    def _note_status(self, device: str, payload: bytes) -> None:
        if device == self.device or (self._looked.is_set() and self._serving):
            return
        try:
            body = json.loads(payload) if payload else {}
        except ValueError:
            return
        if isinstance(body, dict) and body.get("role") == ROLE:
            self.others[device] = body
