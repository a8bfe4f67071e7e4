"""``callboard pad``: a Pi with only a rating pad at its counter (no screen, no voice).

The same part as on a counter screen's Pi (``screen.pad.RatingPad``), with a loop of its
own: gpiozero's callbacks and paho's thread put messages on one inbox; the loop sleeps on it
until a message comes or the invitation's time is up, and hands each message to the pad.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
from types import FrameType

from config.lifecycle import Clock, Supervisor, SystemClock, Unsupervised
from config.settings import Config
from mqtt_client.pad_link import PadLink
from screen.messages import Stop
from screen.pad import RatingPad
from screen.parts import Router
from screen.status_clock import StatusClock

_LOG = logging.getLogger(__name__)


class PadService:
    """Runs one counter's rating pad until told to stop."""

    def __init__(
        self,
        config: Config,
        *,
        version: str = "0",
        clock: Clock | None = None,
        supervisor: Supervisor | None = None,
        pin_factory: object = None,
    ) -> None:
        self.config = config
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.clock = clock or SystemClock()
        self._supervisor = supervisor or Unsupervised()
        self.link = PadLink(config, self.inbox.put, version)
        self.pad = RatingPad(
            config,
            self.inbox.put,
            self.link.publish_rating,
            self.link.publish_request,
            self.clock.wall,
            pin_factory,
            instance=self.link.instance,
            screen=False,  # nothing here draws the faces
        )
        now = self.clock.monotonic()
        self.router = Router([self.pad, StatusClock(self.link.publish_status, now)])
        self.stopped = threading.Event()

    def stop(self, reason: str = "asked") -> None:
        self.inbox.put(Stop(reason))

    def run(self, signals: bool = True) -> int:
        if signals:

            def on_stop(signum: int, _frame: FrameType | None) -> None:
                self.stop(signal.Signals(signum).name)

            signal.signal(signal.SIGTERM, on_stop)
            signal.signal(signal.SIGINT, on_stop)
        self.pad.open()
        self.link.set_status(self.router.status())
        self.link.start()
        self._supervisor.ready(f"rating pad of counter {self.pad.counter}")
        try:
            while self.step():
                pass
        finally:
            self._supervisor.stopping()
            self.router.close()
            self.link.stop()
            self.stopped.set()
        return 0

    def step(self) -> bool:
        """Sleep until a message or something due; hand it over. False once told to stop."""
        now = self.clock.monotonic()
        self._supervisor.kick(now, self.link.alive, "the MQTT network thread has died")
        due = min(self.router.next_wake(now), self._supervisor.next_kick())
        try:
            item = self.inbox.get(timeout=max(0.0, min(due - now, 3600.0)))
        except queue.Empty:
            item = None
        now = self.clock.monotonic()
        if isinstance(item, Stop):
            _LOG.info("stopping (%s)", item.reason)
            return False
        if item is not None:
            self.router.route(item, now)
        self.link.set_status(self.router.status())
        self.router.tick(now)
        return True
