"""The board part: the calls and the notices the screen shows, as the broker tells them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from config.journal import RateLimitedLog
from config.settings import Config
from lobby.board import BoardState, is_stale
from lobby.contract import BoardSnapshot, CallEvent, Notice, ScopedNotice
from lobby.notices import NoticeBoard
from lobby.topics import Topics
from mqtt_client.session import Rejected
from screen.messages import BoardTaken, Called
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)


class BoardKeeper(Part):
    """Owns the board's state and the notices in force."""

    handles = (CallEvent, BoardSnapshot, ScopedNotice, Rejected)

    def __init__(self, config: Config, wall: Callable[[], datetime]) -> None:
        self.state = BoardState(
            keep=20, flash_seconds=config.display.flash_seconds, area=config.hall_area()
        )
        self.notices = NoticeBoard()
        self._wall = wall
        self._stale_after = config.display.stale_after_s
        self._warn = RateLimitedLog(_LOG, interval_s=60)
        self._topics = Topics(config.mqtt.topic_root, config.site)
        self._refused: dict[str, str] = {}  # notice scope -> why its last notice was refused
        self.stale = 0
        self.elsewhere = 0
        """Calls to other parts of the hall: neither shown, said nor acknowledged here."""
        if not self.state.area.whole_hall:
            _LOG.info(
                "a board for part of the hall: the calls to counters %s and of services %s",
                ", ".join(config.display.counters) or "(none listed)",
                ", ".join(config.display.services) or "(none listed)",
            )

    @property
    def notice(self) -> Notice:
        return self.notices.current

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, CallEvent):
            return self._call(message, now)
        if isinstance(message, BoardSnapshot):
            if self.state.apply_snapshot(message):
                return (BoardTaken(message.seq),)
            return NOTHING
        if isinstance(message, Rejected):
            self._notice_refused(message)
            return NOTHING
        if isinstance(message, ScopedNotice):
            self._refused.pop(message.scope, None)
        if isinstance(message, ScopedNotice) and self.notices.apply(message):
            shown = self.notices.current
            _LOG.info(
                "notice changed: %d marquee lines, %d pages (from the %s)",
                len(shown.marquee),
                len(shown.pages),
                message.scope,
            )
        return NOTHING

    def _call(self, call: CallEvent, now: float) -> Sequence[object]:
        if not self.state.area.shows(call.counter, call.service):
            self.elsewhere += 1
            _LOG.debug("call %s to counter %s is another part of the hall's", call.id, call.counter)
            return NOTHING
        wall = self._wall()
        stale = is_stale(call.ts, wall, self._stale_after)
        if not self.state.apply_call(call, now, stale):
            return NOTHING
        _LOG.info("call %s: ticket %s to counter %s", call.id, call.ticket, call.counter)
        if stale:
            self.stale += 1
            self._warn.warning(
                "stale",
                "call %s arrived %.0f s after it was made (by this screen's clock): listed, "
                "not announced; if calls keep arriving late, check this Pi's clock",
                call.id,
                (wall - call.ts).total_seconds(),
            )
        return (Called(call, announce=not stale),)

    def _notice_refused(self, rejected: Rejected) -> None:
        """A notice that broke the contract stays out, and the status says why until the
        next good one from that source (the board keeps what it showed)."""
        match = self._topics.parse(rejected.topic)
        if match is not None and match.kind in ("notice", "branch_notice"):
            scope = "site" if match.kind == "notice" else "branch"
            self._refused[scope] = rejected.reason

    def status(self) -> Mapping[str, Any]:
        return {
            "board_seq": self.state.seq,
            "board_epoch": self.state.epoch,
            "stale_calls": self.stale,
            "calls_elsewhere": self.elsewhere,
            "faults": [
                f"the {scope}'s notice was refused: {why}"[:200]
                for scope, why in sorted(self._refused.items())
            ],
        }
