"""The day part: open, closing or closed, by the screen's own clock, so the board turns into
the closed page (and back) at the minute, with no reload, and the voice knows when to be
silent. See lobby/day.py for the phases; other parts can follow a change by handling
DayChanged."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from config.settings import Config
from display.closed import lobby_day
from lobby.day import CLOSED, DayView
from screen.messages import Called, DayChanged
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)
RECHECK_S = 60.0  # the phase changes at a minute (hours are in minutes), or at a call


class DayWatch(Part):
    """Owns the lobby's phase; tells the other parts when it changes."""

    handles = (Called,)

    def __init__(
        self, config: Config, wall: Callable[[], datetime], waiting: Callable[[], int]
    ) -> None:
        self._config = config
        self._wall = wall
        self._waiting = waiting
        self._last_call: datetime | None = None
        self.view: DayView = self._look()
        self._log(self.view)

    def _look(self) -> DayView:
        return lobby_day(self._config, self._wall(), self._waiting(), self._last_call)

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, Called) and message.announce and self.view.phase != CLOSED:
            self._last_call = self._wall()  # the customer called may need calling again
        return NOTHING

    def tick(self, now: float) -> Sequence[object]:
        view = self._look()
        if view.phase == self.view.phase and view.opens == self.view.opens:
            return NOTHING
        self._log(view)
        self.view = view
        return (DayChanged(view),)

    def next_wake(self, now: float) -> float:
        if self._config.hours.always:
            return math.inf
        wall = self._wall().timestamp()
        return now + RECHECK_S - wall % RECHECK_S + 0.01

    def status(self) -> Mapping[str, Any]:
        return {} if self._config.hours.always else {"lobby": self.view.phase}

    def _log(self, after: DayView) -> None:
        """One line at start and at each change of phase."""
        if self._config.hours.always:
            return
        opens = f" (opens {after.opens:%a %d %b %H:%M})" if after.opens else ""
        what = {
            "open": "the lobby is open: the board and the voice call numbers",
            "closing": "closing time: the board and the voice go on while customers wait",
            "closed": "the lobby is closed: the board shows the closed page, the voice is silent",
        }[after.phase]
        _LOG.info("%s%s", what, opens if after.phase != "open" else "")
