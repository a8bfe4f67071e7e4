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


@dataclass(frozen=True)
class RatingInvited:
    """The counter's rating pad invites the customer just served to rate: the counter
    screen shows the faces until ``until`` (the loop's monotonic clock)."""

    ticket: str
    scale: int
    until: float


@dataclass(frozen=True)
class RatingPressed:
    """A face was chosen (a GPIO button of the pad or a touch on the counter screen):
    ``score`` from 1 (unhappy) to the pad's scale (happy)."""

    score: int


@dataclass(frozen=True)
class RatingClosed:
    """The invitation ended: rated (``score``, the screen thanks the customer) or not (None:
    the time ran out, or the next customer was called)."""

    ticket: str
    score: int | None


@dataclass(frozen=True)
class Touched:
    """A finger (or a mouse click) on the screen, in its pixels: on a counter's screen, a
    touch on a rating face chooses it."""

    x: int
    y: int
