"""The one interface of the screen's parts, and the router that hands each message to the
parts that handle it.

A part owns its piece of state and is only ever called from the loop's (main) thread. It
says which message types it handles, does its timed work when the loop ticks it, says when
it next needs to be ticked, gives a status snapshot for DeviceStatus, and closes. A part may
answer a message with further messages (``Called`` after a new call), routed in turn.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from config.journal import RateLimitedLog

_LOG = logging.getLogger(__name__)
NOTHING: tuple[object, ...] = ()


class Part:
    """One piece of the screen; the defaults do nothing."""

    handles: tuple[type, ...] = ()
    """The message types this part is given."""

    def handle(self, message: object, now: float) -> Sequence[object]:
        """Take a message; return any messages it leads to."""
        return NOTHING

    def tick(self, now: float) -> Sequence[object]:
        """Do what time asks for (called on every pass of the loop)."""
        return NOTHING

    def next_wake(self, now: float) -> float:
        """When this part next needs a tick (monotonic seconds), or ``inf``."""
        return math.inf

    def status(self) -> Mapping[str, Any]:
        """Figures for DeviceStatus; merged into one snapshot by the loop."""
        return {}

    def trouble(self) -> str:
        """Why the watchdog must not be patted (a thread of this part died), or ""."""
        return ""

    def close(self) -> None:
        """Let go of what it holds (devices, threads)."""


class Router:
    """One table: message type -> the parts that handle it."""

    def __init__(self, parts: Iterable[Part]) -> None:
        self.parts = list(parts)
        self._table: dict[type, list[Part]] = {}
        for part in self.parts:
            for kind in part.handles:
                self._table.setdefault(kind, []).append(part)
        self._unhandled = RateLimitedLog(_LOG, interval_s=60)

    def route(self, message: object, now: float) -> None:
        """Hand a message to its parts, and what they answer to theirs, in order."""
        pending = [message]
        while pending:
            item = pending.pop(0)
            parts = self._handlers(type(item))
            if not parts:
                self._unhandled.warning(
                    type(item).__name__, "no part of the screen handles %r; dropped", item
                )
                continue
            for part in parts:
                pending.extend(part.handle(item, now))

    def _handlers(self, kind: type) -> list[Part]:
        found = self._table.get(kind)
        if found is None:  # a subclass of a handled type goes where its base goes
            found = [p for base, ps in self._table.items() if issubclass(kind, base) for p in ps]
            self._table[kind] = found
        return found

    def tick(self, now: float) -> None:
        for part in self.parts:
            for message in part.tick(now):
                self.route(message, now)

    def next_wake(self, now: float) -> float:
        return min((part.next_wake(now) for part in self.parts), default=math.inf)

    def status(self) -> dict[str, Any]:
        """Every part's figures in one snapshot; their ``faults`` (short sentences) joined."""
        figures: dict[str, Any] = {}
        faults: list[str] = []
        for part in self.parts:
            mine = dict(part.status())
            faults.extend(mine.pop("faults", ()))
            figures.update(mine)
        figures["faults"] = faults
        return figures

    def trouble(self) -> str:
        return next((why for part in self.parts if (why := part.trouble())), "")

    def close(self) -> None:
        for part in reversed(self.parts):
            try:
                part.close()
            except Exception:  # one part failing to close must not keep the others open
                _LOG.exception("closing %s failed", type(part).__name__)
