"""The engine's figures on the wire: the day so far, retained on ``{p}/stats/today`` and
republished at most every few seconds while the day changes, and any range of days answered
in pages on ``{p}/stats/reply`` (the console's CSV)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime

from engine.stats import figures, pages, today, wire_row
from engine.store import QueueStore
from lobby.contract import StatsRequest
from lobby.topics import Topics

_LOG = logging.getLogger(__name__)
EVERY_S = 5.0  # a busy lobby republishes its figures this often, not at every ticket

Send = Callable[[str, bytes, bool], bool]


class FiguresDesk:
    """When to tell the day's figures, and the answers to requests for a range of days."""

    def __init__(self, topics: Topics, low_satisfaction: float = 0.0) -> None:
        self._topics = topics
        self._low = low_satisfaction
        self._dirty = True  # at serving start: tell them once
        self._next = 0.0

    def changed(self) -> None:
        self._dirty = True

    def wake(self, now: float) -> float:
        """When the figures are next due (monotonic seconds), or ``inf``."""
        return max(now, self._next) if self._dirty else math.inf

    def tick(self, now: float, wall: datetime, store: QueueStore, send: Send) -> None:
        if not self._dirty or now < self._next:
            return
        day = store.day_of(wall)
        tickets, ratings = store.days(day, day).get(day, ([], []))
        if send(
            self._topics.stats_today, today(day, tickets, ratings, wall, self._low).payload(), True
        ):
            self._dirty = False
        self._next = now + EVERY_S

    def answer(self, request: StatsRequest, wall: datetime, store: QueueStore, send: Send) -> int:
        """Every day of the range that has tickets, in pages; the number of pages sent."""
        rows = [
            wire_row(day, row)
            for day, (tickets, ratings) in store.days(
                request.first.isoformat(), request.last.isoformat()
            ).items()
            for row in figures(tickets, ratings)
        ]
        answer = pages(request.id, rows, wall)
        sent = sum(send(self._topics.stats_reply, page.payload(), False) for page in answer)
        _LOG.info(
            "figures of %s to %s: %d rows in %d pages", request.first, request.last, len(rows), sent
        )
        return sent
