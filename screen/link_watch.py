"""The link watch: is the broker there, is it time for the reconnecting badge, and how
long the board took to resync after the broker came back."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

from mqtt_client.session import LinkState
from screen.messages import BoardTaken
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)
LINK_GRACE_S = 3.0  # the reconnecting badge shows once the broker has been away this long


class LinkWatch(Part):
    """Follows LinkState; the badge waits out a short blip (no flicker at start either)."""

    handles = (LinkState, BoardTaken)

    def __init__(self, now: float) -> None:
        self.up = False
        self._down_since = now
        self._ever_connected = False
        self._resync_from: float | None = None

    def looks_up(self, now: float) -> bool:
        """Up, or down for less than the grace time."""
        return self.up or now - self._down_since < LINK_GRACE_S

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, LinkState):
            self.up = message.connected
            self._down_since = now
            if message.connected and self._ever_connected:  # a reconnect: time the resync
                self._resync_from = now
            self._ever_connected = self._ever_connected or message.connected
        elif isinstance(message, BoardTaken):
            if self._resync_from is not None:
                _LOG.info(
                    "board resynced (seq %d) %.2f s after the broker came back",
                    message.seq,
                    now - self._resync_from,
                )
                self._resync_from = None
            else:
                _LOG.debug("board snapshot seq %d", message.seq)
        return NOTHING

    def next_wake(self, now: float) -> float:
        if self.looks_up(now) and not self.up:
            return self._down_since + LINK_GRACE_S  # the badge is due then
        return math.inf
