"""The queue engine as a service: requests from the broker, one at a time, into the store,
and what the store decided back onto the broker.

It runs alone (``callboard queue``, on a branch server for several lobby screens) or inside
the display daemon (``[queue] embedded = true``) on a thread of its own with its own broker
connection: the display and the engine talk only through the broker, so another vendor's
engine can take this one's place and the display does not change.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from callboard import __version__
from callboard.queue_store import Outgoing, QueueStore, default_db
from callboard.systemd import Watchdog, notify
from config.settings import Config
from lobby.contract import CounterRequest, TicketRequest
from mqtt_client.engine_link import EngineLink
from mqtt_client.link import LinkState

_LOG = logging.getLogger(__name__)
EXIT_OTHER_ENGINE = 3


class _Stop:
    """Leave the engine's loop."""


def _now() -> datetime:
    return datetime.now().astimezone()


class QueueEngine:
    """Applies TicketRequests and CounterRequests, and publishes what follows."""

    def __init__(self, config: Config, db: Path | None = None, standalone: bool = False) -> None:
        self._config = config
        self._standalone = standalone  # then it speaks to systemd itself
        self._db = db or default_db(config)
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.ready = threading.Event()
        self.finished = threading.Event()
        self.applied = 0
        self._store: QueueStore | None = None

    def stop(self) -> None:
        self.inbox.put(_Stop())

    def status_fields(self) -> dict[str, Any]:
        store = self._store
        return {"applied": self.applied, "waiting": store.model.waiting_counts() if store else {}}

    def run(self) -> int:
        """Serve until ``stop``; refuse (exit code 3) if another engine serves the site."""
        try:
            return self._run()
        finally:
            self.finished.set()

    def _run(self) -> int:
        link = EngineLink(self._config, self.inbox.put, __version__, self.status_fields)
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
        store = QueueStore(self._db, self._config, link.topics.prefix)
        self._store = store
        _LOG.info(
            "queue engine for site %s: %s (%d tickets today)",
            self._config.site,
            self._db,
            len(store.model.tickets),
        )
        link.serve()
        self._republish(store, link)
        self.ready.set()
        if self._standalone:
            notify("READY=1", f"STATUS=serving the queues of {self._config.site}")
        try:
            self._loop(store, link)
        finally:
            link.stop()
            store.close()
        return 0

    def _loop(self, store: QueueStore, link: EngineLink) -> None:
        # Embedded, the daemon's main loop speaks for the whole process to the watchdog.
        watchdog = Watchdog(enabled=self._standalone)
        while True:
            now = time.monotonic()
            watchdog.kick(now, link.alive, "the MQTT network thread has died")
            wake = watchdog.next_kick()
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
            if isinstance(item, TicketRequest):
                outgoing, note = store.issue(item, _now())
                self._log(f"ticket request {item.id} ({item.service})", outgoing, note)
            elif isinstance(item, CounterRequest):
                outgoing, note = store.counter(item, _now())
                self._log(f"counter {item.counter} {item.action} ({item.id})", outgoing, note)
            else:
                continue  # a refused payload: the link has logged and counted it
            self.applied += 1
            self._send(store, link, outgoing)

    def _log(self, what: str, outgoing: list[Outgoing], note: str) -> None:
        if note == "repeat":
            _LOG.info("%s: already applied; not again", what)
        elif note:
            _LOG.info("%s: %s", what, note)
        else:
            _LOG.debug("%s: %d messages", what, len(outgoing))

    def _send(self, store: QueueStore, link: EngineLink, outgoing: list[Outgoing]) -> None:
        sent = [o.seq for o in outgoing if link.publish(o.topic, o.payload, o.retain)]
        store.mark_sent(sent)

    def _republish(self, store: QueueStore, link: EngineLink) -> None:
        """After a start or a reconnect: what was not sent, then the retained state."""
        self._send(store, link, store.unsent())
        for topic, payload in store.retained_now(_now()):
            link.publish(topic, payload, retain=True)
