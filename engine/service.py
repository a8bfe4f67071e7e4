"""The queue engine as a service: requests from the broker, one at a time, into the store,
and what the store decided back onto the broker.

It runs alone (``callboard queue``, on a branch server for several lobby screens) or beside
the screen in one process (``[queue] embedded = true``), on a thread and a broker session of
its own: the screen and the engine talk only through the broker, so another vendor's engine
can take this one's place and the screen does not change.
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
from engine.store import Outgoing, QueueStore, default_db
from lobby.contract import CounterRequest, TicketRequest
from mqtt_client.engine_link import EngineLink
from mqtt_client.session import LinkState

_LOG = logging.getLogger(__name__)
EXIT_OTHER_ENGINE = 3


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
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.ready = threading.Event()
        """Set once the engine serves its site (the demo and tests wait on it)."""
        self.finished = threading.Event()
        self.applied = 0

    def stop(self) -> None:
        self.inbox.put(_Stop())

    def run(self) -> int:
        """Serve until ``stop``; refuse (exit code 3) if another engine serves the site."""
        try:
            return self._run()
        finally:
            self.finished.set()

    def _run(self) -> int:
        link = EngineLink(self._config, self.inbox.put, self._version)
        others = link.look_for_others()
        if others:
            names = ", ".join(sorted(others))
            _LOG.error(
                "another queue engine (%s) is already running for site %s; stop it "
                "before starting this one",
                names,
                self._config.site,
            )
            link.stop()
            return EXIT_OTHER_ENGINE
        self._db.parent.mkdir(parents=True, exist_ok=True)
        store = QueueStore(self._db, self._config)
        _LOG.info(
            "queue engine for site %s: %s (%d tickets today)",
            self._config.site,
            self._db,
            len(store.model.tickets),
        )
        self._report(store, link)
        link.serve()
        self._republish(store, link)
        self.ready.set()
        self._supervisor.ready(f"serving the queues of {self._config.site}")
        try:
            self._loop(store, link)
        finally:
            self._supervisor.stopping()
            link.stop()
            store.close()
        return 0

    def _loop(self, store: QueueStore, link: EngineLink) -> None:
        while True:
            now = time.monotonic()
            self._supervisor.kick(now, link.alive, "the MQTT network thread has died")
            wake = self._supervisor.next_kick()
            try:
                item = self.inbox.get(timeout=None if wake == math.inf else max(0.0, wake - now))
            except queue.Empty:
                continue
            if isinstance(item, _Stop):
                return
            if isinstance(item, LinkState):
                if item.connected:
                    self._republish(store, link)
                continue
            if not isinstance(item, TicketRequest | CounterRequest):
                continue  # a refused payload: the link has logged and counted it
            outgoing, note = store.apply(item, _now())
            self._log(item, outgoing, note)
            self.applied += 1
            self._send(store, link, outgoing)
            self._report(store, link)

    def _report(self, store: QueueStore, link: EngineLink) -> None:
        """The figures paho's thread puts in DeviceStatus: a snapshot, replaced whole."""
        link.set_status({"applied": self.applied, "waiting": store.model.waiting_counts()})

    def _log(
        self, request: TicketRequest | CounterRequest, sent: list[Outgoing], note: str
    ) -> None:
        if isinstance(request, TicketRequest):
            what = f"ticket request {request.id} ({request.service})"
        else:
            what = f"counter {request.counter} {request.action} ({request.id})"
        if note == "repeat":
            _LOG.info("%s: already applied; not again", what)
        elif note:
            _LOG.info("%s: %s", what, note)
        else:
            _LOG.debug("%s: %d messages", what, len(sent))

    def _send(self, store: QueueStore, link: EngineLink, outgoing: list[Outgoing]) -> None:
        sent = [o.seq for o in outgoing if link.send(o.topic, o.payload, o.retain)]
        store.mark_sent(sent)

    def _republish(self, store: QueueStore, link: EngineLink) -> None:
        """After a start or a reconnect: what was not sent, then the retained state."""
        self._send(store, link, store.unsent())
        for topic, payload in store.retained_now(_now()):
            link.send(topic, payload, retain=True)
