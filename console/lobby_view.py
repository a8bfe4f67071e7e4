"""What the console knows of the lobby: the last word on each retained topic, kept on the
web server's event loop.

paho's thread never touches it: the link's deliveries are handed to the loop
(``loop.call_soon_threadsafe``), so pages and live streams read it without locks. Every
change bumps ``revision`` and wakes whoever waits in ``changed``: the live streams render
again and send only what differs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import date

from lobby.contract import (
    BoardSnapshot,
    CounterState,
    DayFigures,
    DeviceStatus,
    Notice,
    ScopedNotice,
    StatsPage,
)
from mqtt_client.console_link import StatusCleared
from mqtt_client.session import LinkState, Rejected

_LOG = logging.getLogger(__name__)


@dataclass
class SeenStatus:
    """A device's status and when this console received it (its own clock)."""

    status: DeviceStatus
    received: float


@dataclass
class FiguresAnswer:
    """The parts of one answer to a StatsRequest, gathered as they come."""

    parts: dict[int, StatsPage] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, page: StatsPage) -> None:
        self.parts[page.part] = page
        if len(self.parts) >= page.parts:
            self.done.set()

    @property
    def rows(self) -> list[tuple[object, ...]]:
        return [row for part in sorted(self.parts) for row in self.parts[part].rows]


@dataclass
class LobbyView:
    """The site as the console sees it."""

    board: BoardSnapshot | None = None
    counters: dict[str, CounterState] = field(default_factory=dict)
    statuses: dict[str, SeenStatus] = field(default_factory=dict)
    notices: dict[str, Notice] = field(
        default_factory=lambda: {"site": Notice(), "branch": Notice()}
    )
    today: DayFigures | None = None
    connected: bool = False
    revision: int = 0
    _answers: dict[str, FiguresAnswer] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def apply(self, message: object) -> None:
        """One delivery from the link (on the loop's thread)."""
        if isinstance(message, StatsPage):
            answer = self._answers.get(message.request_id)
            if answer is not None:
                answer.add(message)
            return
        if not self._keep(message):
            return
        self.revision += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def _keep(self, message: object) -> bool:
        """Take in what the message says; False when nothing a page shows changed."""
        if isinstance(message, BoardSnapshot):
            self.board = message
        elif isinstance(message, CounterState):
            self.counters[message.counter] = message
        elif isinstance(message, DeviceStatus):
            self.statuses[message.device] = SeenStatus(message, time.time())
        elif isinstance(message, StatusCleared):
            return self.statuses.pop(message.device, None) is not None
        elif isinstance(message, ScopedNotice):
            self.notices[message.scope] = message.notice
        elif isinstance(message, DayFigures):
            self.today = message
        elif isinstance(message, LinkState):
            self.connected = message.connected
        elif isinstance(message, Rejected):
            return False
        else:
            _LOG.debug("nothing in the console takes %s", type(message).__name__)
            return False
        return True

    async def changed(self, since: int, timeout_s: float) -> int:
        """Wait until the view is newer than ``since`` (or the timeout); the revision."""
        if self.revision == since:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout_s)
        return self.revision

    def expect_figures(self, request_id: str) -> FiguresAnswer:
        answer = FiguresAnswer()
        self._answers[request_id] = answer
        return answer

    def forget_figures(self, request_id: str) -> None:
        self._answers.pop(request_id, None)

    def waiting(self, service: str) -> int | None:
        return None if self.board is None else self.board.waiting.get(service)

    @property
    def engine_online(self) -> bool:
        """Some queue engine of the site says it is online (retained status)."""
        return any(
            seen.status.role == "engine" and seen.status.state == "online"
            for seen in self.statuses.values()
        )

    def today_is(self, day: date) -> bool:
        return self.today is not None and self.today.day == day
