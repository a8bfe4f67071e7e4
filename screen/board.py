"""The board part: the calls and the notices the screen shows, as the broker tells them."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from config.settings import Config
from lobby.board import BoardState
from lobby.contract import BoardSnapshot, CallEvent, Notice, ScopedNotice
from lobby.notices import NoticeBoard
from screen.messages import BoardTaken, Called
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)


class BoardKeeper(Part):
    """Owns the board's state and the notices in force."""

    handles = (CallEvent, BoardSnapshot, ScopedNotice)

    def __init__(self, config: Config) -> None:
        self.state = BoardState(keep=20, flash_seconds=config.display.flash_seconds)
        self.notices = NoticeBoard()

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
        if not self.state.apply_call(call, now):
            return NOTHING
        _LOG.info("call %s: ticket %s to counter %s", call.id, call.ticket, call.counter)
        return (Called(call),)

    def status(self) -> Mapping[str, Any]:
        return {"board_seq": self.state.seq}
