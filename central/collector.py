"""``callboard collect``: every site's records and device statuses, from the central broker
into the centre's database.

The broker keeps what the collector has not acknowledged: the collector's session is
persistent (a fixed client id, Clean Start off, a long Session Expiry), it subscribes with
QoS 1 and acknowledges each message itself (paho's ``manual_ack``) only once the rows are
committed. Killed at any moment, it loses nothing (the broker delivers again what was not
acknowledged) and doubles nothing (the rows are upserts by id). While the database is away it
logs one line, acknowledges nothing more and tries again with a growing pause; the broker
holds the rest.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt

from central.store import CentralStore, DatabaseAway, RecordRow, StatusRow, default_database
from config.lifecycle import Supervisor, Unsupervised
from config.settings import CentralConfig
from lobby.contract import DeviceStatus, FinishedTicket
from lobby.errors import ContractError
from lobby.topics import network_subscriptions, read_network_topic
from mqtt_client.client import connect_options, new_client

_LOG = logging.getLogger(__name__)
BATCH = 500  # messages written in one transaction at most
RETRY_FIRST_S = 0.5
RETRY_MOST_S = 30.0


@dataclass(frozen=True)
class Delivery:
    """One message from the broker, not yet acknowledged."""

    mid: int
    qos: int
    topic: str
    payload: bytes
    retain: bool
    connection: int
    """Which connection brought it: an ack belongs to that connection's packet ids only."""


class _Stop:
    """Leave the collector's loop."""


class Collector:
    """Stores what the central broker delivers, acknowledging it only once committed."""

    def __init__(self, config: CentralConfig, supervisor: Supervisor | None = None) -> None:
        self._config = config
        self._supervisor = supervisor or Unsupervised()
        self.store = CentralStore(config.database or default_database())
        self._root = config.mqtt.topic_root
        self._inbox: queue.SimpleQueue[Delivery | _Stop] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._connected = threading.Event()
        self._connection = 0
        self._told_unreachable = False
        self.stored = 0
        """Messages committed (records and statuses), for the log and the tests."""
        self.dropped = 0
        """Messages refused as malformed (acknowledged, never stored)."""

    def stop(self) -> None:
        self._stopped.set()
        self._inbox.put(_Stop())

    # paho's thread

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            _LOG.warning("the central broker refused the collector: %s", reason)
            return
        self._connection += 1
        self._told_unreachable = False
        for topic in network_subscriptions(self._root):
            client.subscribe(topic, qos=1)
        self._connected.set()
        _LOG.info(
            "collecting %s and %s from %s:%d into %s",
            *network_subscriptions(self._root),
            self._config.mqtt.host,
            self._config.mqtt.port,
            self.store.where,
        )

    def _on_connect_fail(self, _c: Any, _u: Any) -> None:
        """No broker answered (not yet up, a wrong host, the network): said once, not at
        every retry; paho goes on trying every 1 to 30 s."""
        if not self._told_unreachable:
            self._told_unreachable = True
            _LOG.warning(
                "the central broker at %s:%d does not answer; trying again every few seconds",
                self._config.mqtt.host,
                self._config.mqtt.port,
            )

    def _on_disconnect(self, *_args: Any) -> None:
        if self._connected.is_set() and not self._stopped.is_set():
            _LOG.warning("lost the central broker; reconnecting (it keeps our messages)")
        self._connected.clear()

    def _on_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        self._inbox.put(
            Delivery(
                message.mid,
                message.qos,
                message.topic,
                bytes(message.payload),
                message.retain,
                self._connection,
            )
        )

    # The collector's own thread

    def run(self) -> int:
        settings = self._config.mqtt
        # A fixed client id that comes back: its session outlives the connection on MQTT 5
        # (session expiry) and on 3.1.1 (clean session off), so the broker queues meanwhile.
        client = new_client(
            settings, self._config.client_id, reconnect=True, manual_ack=True, keep_session=True
        )
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_connect_fail = self._on_connect_fail
        client.on_message = self._on_message
        client.reconnect_delay_set(1, 30)
        _LOG.info(
            "the collector starts: central broker %s:%d, database %s",
            settings.host,
            settings.port,
            self.store.where,
        )
        client.connect_async(
            settings.host,
            settings.port,
            settings.keepalive,
            **connect_options(client, self._config.session_expiry_s, clean_start=False),
        )
        client.loop_start()
        self._supervisor.ready("collecting")
        try:
            while not self._stopped.is_set():
                batch = self._next_batch()
                if batch and self._commit(batch):
                    for delivery in batch:
                        # One heard on an earlier connection is sent again on this one
                        # (its packet id may now be another message's): it is acked then.
                        if delivery.connection == self._connection:
                            client.ack(delivery.mid, delivery.qos)
        finally:
            self._supervisor.stopping()
            client.disconnect()
            client.loop_stop()
            self.store.close()
        return 0

    def _next_batch(self) -> list[Delivery]:
        now = time.monotonic()
        self._supervisor.kick(now, True)
        wake = self._supervisor.next_kick()
        try:
            first = self._inbox.get(timeout=None if wake == math.inf else max(0.0, wake - now))
        except queue.Empty:
            return []
        batch: list[Delivery] = []
        item: Delivery | _Stop = first
        while True:
            if isinstance(item, _Stop):
                return []  # what was taken is not acknowledged: the broker sends it again
            batch.append(item)
            if len(batch) >= BATCH:
                return batch
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                return batch

    def _commit(self, batch: list[Delivery]) -> bool:
        """Store a batch, trying again while the database is away; False: stopped first."""
        records, statuses = self._rows(batch)
        pause = RETRY_FIRST_S
        away_since: float | None = None
        while True:
            try:
                self.store.write(records, statuses)
            except DatabaseAway as exc:
                if away_since is None:
                    away_since = time.monotonic()
                    _LOG.error(
                        "the database is away (%s); holding %d messages unacknowledged at the "
                        "broker and trying again",
                        exc,
                        len(batch),
                    )
                self._supervisor.kick(time.monotonic(), True)
                if self._stopped.wait(pause):
                    return False
                pause = min(pause * 2, RETRY_MOST_S)
                continue
            if away_since is not None:
                _LOG.info(
                    "the database is back after %.0f s; storing again",
                    time.monotonic() - away_since,
                )
            self.stored += len(records) + len(statuses)
            return True

    def _rows(self, batch: list[Delivery]) -> tuple[list[RecordRow], list[StatusRow]]:
        """The rows of a batch; a message that is not a record or a status is logged once and
        dropped (it is acknowledged with the rest: it must never block the queue)."""
        now = datetime.now(UTC)
        records: list[RecordRow] = []
        statuses: list[StatusRow] = []
        for delivery in batch:
            found = read_network_topic(self._root, delivery.topic)
            if found is None or not delivery.payload:
                continue  # a cleared retained status, or a topic we never asked for
            site, match = found
            try:
                if match.kind == "record":
                    records.append(RecordRow(site, FinishedTicket.parse(delivery.payload), now))
                elif match.kind == "status":
                    status = DeviceStatus.parse(delivery.payload)
                    # A retained status heard at subscribe time is as old as it says.
                    seen = min(status.ts, now) if delivery.retain else now
                    statuses.append(StatusRow(site, status, seen))
            except ContractError as exc:
                self.dropped += 1
                _LOG.warning("dropped a message on %s: %s", delivery.topic, exc.reason)
        return records, statuses
