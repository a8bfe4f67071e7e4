"""Messages the screen's parts pass among themselves through the loop's router (what
arrives from the broker is typed in ``lobby.contract`` and ``mqtt_client``)."""

from __future__ import annotations

from dataclasses import dataclass

from lobby.contract import CallEvent
from lobby.day import DayView


@dataclass(frozen=True)
class Stop:
    """Leave the loop (SIGTERM, SIGINT, the window closed)."""

    reason: str


@dataclass(frozen=True)
class SaveFrame:
    """Save the current frame as a PNG (SIGUSR1), for support."""


@dataclass(frozen=True)
class Called:
    """The board took a new call: acknowledge it once it is drawn; announce it if asked."""

    call: CallEvent
    announce: bool = True


@dataclass(frozen=True)
class BoardTaken:
    """The board took the engine's snapshot ``seq``."""

    seq: int


@dataclass(frozen=True)
class StatusChanged:
    """A figure worth telling monitoring about changed (a fault came or went)."""


@dataclass(frozen=True)
class DayChanged:
    """The lobby opened, began closing, or closed (by the screen's clock)."""

    view: DayView
