"""The queue engine as a service: requests from the broker, one at a time, into the store,
and what the store decided back onto the broker.

It runs alone (``callboard queue``, on a branch server for several lobby screens) or beside
the screen in one process (``[queue] embedded = true``), on a thread and broker sessions of
its own: the screen and the engine talk only through the broker, so another vendor's engine
can take this one's place and the screen does not change. It serves only while it holds
the site's lease (engine/lease.py): one engine per site, whatever the timing.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from datetime import datetime
from pathlib import Path

from config.lifecycle import Supervisor, Unsupervised
from config.settings import Config
from engine.figures import FiguresDesk
from engine.lease import Lease, Refusal
from engine.store import Outgoing, QueueStore, default_db
from lobby.contract import CallEvent, Rating, StatsRequest, TicketRequest
from lobby.errors import ContractError
from lobby.topics import Topics
from mqtt_client.engine_link import EngineLink, Inbound, Refused, ServingLink, ServingLost

_LOG = logging.getLogger(__name__)
EXIT_OTHER_ENGINE = 3
STATUS_EVERY_S = 60.0  # the retained DeviceStatus again, so the centre sees it is alive


class _Stop:
    """Leave the engine's loop."""


def _now() -> datetime:
    return datetime.now().astimezone()


class QueueEngine:
    """Applies TicketRequests and CounterRequests, and publishes what follows."""

    def __init__(
        self,
        config: Config,
        db: Path | None = None,
        version: str = "0",
        supervisor: Supervisor | None = None,
    ) -> None:
        self._config = config
        self._version = version
        self._supervisor = supervisor or Unsupervised()
        self._db = db or default_db(config)
        self._topics = Topics(config.mqtt.topic_root, config.site)
        self._figures = FiguresDesk(self._topics, self._config.queue.low_satisfaction)
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self.ready = threading.Event()
        """Set while the engine serves its site (the demo and tests wait on it)."""
        self.finished = threading.Event()
        self.applied = 0

    def stop(self) -> None:
        self._stopped.set()
        self.inbox.put(_Stop())

    def run(self) -> int:
        """Serve until ``stop``; refuse (exit code 3) if another engine serves the site."""
        try:
            return self._run()
        finally:
            self.finished.set()

    def _run(self) -> int:
        self._db.parent.mkdir(parents=True, exist_ok=True)
        store = QueueStore(self._db, self._config)
        link = EngineLink(self._config, self.inbox.put, self._version)
        link.start()
        lease = Lease(
            self._config, link, self.inbox.put, lambda: store.epoch, self._config.queue.standby
        )
        try:
            while not self._stopped.is_set():
                outcome = lease.acquire(self._stopped)
                if outcome is None:
                    break
                if isinstance(outcome, Refusal):
                    self._refuse(outcome)
                    return EXIT_OTHER_ENGINE
                if self._serve(store, link, outcome):
                    outcome.release()
                    break
        finally:
            self._supervisor.stopping()
            link.stop()
            store.close()
        return 0

    def _refuse(self, refusal: Refusal) -> None:
        _LOG.error(
            "another queue engine (%s) is already running for site %s; this one stops. Stop "
            "that one first, or set [queue] standby = true to wait as its standby",
            refusal.holder.device,
            self._config.site,
        )

    def _serve(self, store: QueueStore, link: EngineLink, serving: ServingLink) -> bool:
        """Serve until told to stop (True) or until the serving connection is lost (False)."""
        store.check_against(link.board)
        _LOG.info(
            "queue engine for site %s: %s (epoch %s, %d tickets today)",
            self._config.site,
            self._db,
            store.epoch,
            len(store.model.tickets),
        )
        serving.serve()
        self._figures = FiguresDesk(self._topics, self._config.queue.low_satisfaction)
        self._send(store, serving, store.begin_day(_now()))  # a day begun while it was away
        self._republish(store, serving)
        link.serving = True
        self._report(store, link)
        link.publish_status()
        self.ready.set()
        self._supervisor.ready(f"serving the queues of {self._config.site}")
        try:
            return self._loop(store, link, serving)
        finally:
            self.ready.clear()
            link.serving = False
            link.hold(None)

    def _loop(self, store: QueueStore, link: EngineLink, serving: ServingLink) -> bool:
        def send(topic: str, payload: bytes, retain: bool) -> bool:
            return serving.send(topic, payload, retain)

        status_due = time.monotonic() + STATUS_EVERY_S
        while True:
            now, wall = time.monotonic(), _now()
            self._supervisor.kick(now, link.alive, "the MQTT network thread has died")
            begun = store.begin_day(wall)
            if begun:
                self._send(store, serving, begun)
                self._figures.changed()
                self._report(store, link)
            self._figures.tick(now, wall, store, send)
            if now >= status_due:
                link.publish_status()
                status_due = now + STATUS_EVERY_S
            # Wake at the day's reset (a little after: the day must have turned by then).
            next_day = now + (store.next_day_at(wall) - wall).total_seconds() + 0.05
            wake = min(self._supervisor.next_kick(), self._figures.wake(now), next_day, status_due)
            try:
                item = self.inbox.get(timeout=None if wake == math.inf else max(0.0, wake - now))
            except queue.Empty:
                continue
            if isinstance(item, _Stop):
                return True
            if isinstance(item, ServingLost):
                self._lost(item)
                return False
            if isinstance(item, Refused):
                link.refuse(item.topic, item.reason)
            elif isinstance(item, Inbound) and item.via is serving:
                self._apply(store, link, serving, item)

    def _lost(self, lost: ServingLost) -> None:
        if lost.taken_over:
            _LOG.error(
                "another queue engine connected to serve site %s; this one stops serving",
                self._config.site,
            )
        else:
            _LOG.warning(
                "lost the broker while serving (%s); asking for the site again", lost.reason
            )

    def _apply(
        self, store: QueueStore, link: EngineLink, serving: ServingLink, item: Inbound
    ) -> None:
        request = item.request
        if isinstance(request, StatsRequest):  # a question, not a change
            self._figures.answer(request, _now(), store, serving.send)
            serving.ack(item.mid)
            return
        outgoing, note = store.apply(request, _now())
        self._figures.changed()
        self._log(request, outgoing, note)
        self.applied += 1
        self._send(store, serving, outgoing)
        serving.ack(item.mid)  # one held while settling: only now may the broker forget it
        self._report(store, link)

    def _report(self, store: QueueStore, link: EngineLink) -> None:
        """The figures paho's thread puts in DeviceStatus: a snapshot, replaced whole."""
        link.set_status(
            {
                "applied": self.applied,
                "waiting": store.model.waiting_counts(),
                "epoch": store.epoch,
                "serving": link.serving,
            }
        )

    def _log(self, request: object, sent: list[Outgoing], note: str) -> None:
        if isinstance(request, TicketRequest):
            what = f"ticket request {request.id} ({request.service})"
        elif isinstance(request, Rating):
            what = f"rating {request.score}/{request.scale} of {request.ticket} ({request.id})"
        else:
            what = f"counter {getattr(request, 'counter', '?')} {getattr(request, 'action', '?')}"
            what += f" ({getattr(request, 'id', '?')})"
        if note == "repeat":
            _LOG.info("%s: already applied; not again", what)
        elif note:
            _LOG.info("%s: %s", what, note)
        else:
            _LOG.debug("%s: %d messages", what, len(sent))

    def _expiry(self, message: Outgoing) -> int | None:
        """A call's MQTT 5 expiry: what is left of ``[queue] call_expiry_s`` since it was made."""
        if message.topic != self._topics.call:
            return None
        limit = self._config.queue.call_expiry_s
        try:
            made = CallEvent.parse(message.payload).ts
        except ContractError:
            return limit
        return max(0, int(limit - (_now() - made).total_seconds()))

    def _send(self, store: QueueStore, serving: ServingLink, outgoing: list[Outgoing]) -> None:
        sent = []
        for message in outgoing:
            expiry = self._expiry(message)
            if expiry == 0:
                _LOG.info("a call made before the engine could send it is too old to call now")
                sent.append(message.seq)
            elif serving.send(message.topic, message.payload, message.retain, expiry):
                sent.append(message.seq)
        store.mark_sent(sent)

    def _republish(self, store: QueueStore, serving: ServingLink) -> None:
        """On serving: what was not sent, then the retained state."""
        self._send(store, serving, store.unsent())
        for topic, payload in store.retained_now(_now()):
            serving.send(topic, payload, retain=True)
