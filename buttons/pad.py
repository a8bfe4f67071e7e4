"""A rating pad (评价器) on the Pi's GPIO: a button per face, LEDs that light while a rating
is invited, a pause switch (or a long press) and the LED that shows the counter paused; and
the outbox that keeps ratings while the broker is away.

Pins come from a pin factory passed in, as for the counters' buttons. gpiozero calls back
on threads of its own: the callbacks only turn what happened into a message and hand it on.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from buttons.panel import GPIO_HINT
from config.settings import ButtonSettings, RatingSettings
from lobby.contract import Rating

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class PadPress:
    """A face's button was pressed: ``score`` from 1 (unhappy) to the pad's scale."""

    score: int
    at: datetime


@dataclass(frozen=True)
class PauseWanted:
    """The teller asked to pause (``True``) or resume (``False``) the counter; ``None``:
    the other of what the counter is now (a long press toggles)."""

    paused: bool | None
    at: datetime


def _now() -> datetime:
    return datetime.now().astimezone()


class PadButtons:
    """The faces' buttons and the pause switch, turned into PadPress and PauseWanted."""

    def __init__(
        self,
        rating: RatingSettings,
        buttons: ButtonSettings,
        deliver: Callable[[object], None],
        pin_factory: Any = None,
    ) -> None:
        self._rating = rating
        self._buttons = buttons
        self._deliver = deliver
        self._factory = pin_factory
        self._devices: list[Any] = []
        self._held = threading.Event()
        self.fault: str | None = None

    def open(self) -> bool:
        """Claim the pins; False with ``fault`` set (one clear line) when GPIO is unusable."""
        if not self._rating.buttons and self._rating.pause_pin is None:
            return True
        from gpiozero import Button
        from gpiozero.exc import GPIOZeroError, PinFactoryFallback

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PinFactoryFallback)
                for score, pin in sorted(self._rating.buttons.items()):
                    self._face(Button, score, pin)
                if self._rating.pause_pin is not None:
                    self._switch(Button, self._rating.pause_pin)
        except (GPIOZeroError, OSError, RuntimeError, ImportError) as exc:
            self.close()
            self.fault = f"GPIO is not available for the rating pad ({exc}); {GPIO_HINT}"
            return False
        _LOG.info(
            "rating pad of counter %s ready: %d faces on %s%s",
            self._rating.counter,
            self._rating.scale,
            ", ".join(f"{s}=GPIO{p}" for s, p in sorted(self._rating.buttons.items())) or "touch",
            f", pause switch GPIO{self._rating.pause_pin}" if self._rating.pause_pin else "",
        )
        return True

    def _device(self, factory: Any, pin: int, hold: float | None = None) -> Any:
        device = factory(
            pin,
            pull_up=self._buttons.pull_up,
            bounce_time=self._buttons.bounce_ms / 1000 or None,
            hold_time=hold or 1.0,
            pin_factory=self._factory,
        )
        self._devices.append(device)
        return device

    def _face(self, factory: Any, score: int, pin: int) -> None:
        if score != self._rating.pause_hold:
            button = self._device(factory, pin)
            button.when_pressed = lambda: self._deliver(PadPress(score, _now()))
            return
        # This button also pauses: a rating on release unless it was held that long.
        button = self._device(factory, pin, self._rating.hold_seconds)
        button.when_pressed = self._held.clear
        button.when_held = self._hold
        button.when_released = lambda: self._release(score)

    def _hold(self) -> None:
        self._held.set()
        self._deliver(PauseWanted(None, _now()))

    def _release(self, score: int) -> None:
        if not self._held.is_set():
            self._deliver(PadPress(score, _now()))
        self._held.clear()

    def _switch(self, factory: Any, pin: int) -> None:
        switch = self._device(factory, pin)
        switch.when_pressed = lambda: self._deliver(PauseWanted(True, _now()))
        switch.when_released = lambda: self._deliver(PauseWanted(False, _now()))

    def close(self) -> None:
        for device in self._devices:
            device.close()
        self._devices.clear()


class PadLights:
    """The faces' LEDs (lit while a rating is invited) and the pause LED (lit while paused)."""

    def __init__(self, rating: RatingSettings, pin_factory: Any = None) -> None:
        self._rating = rating
        self._factory = pin_factory
        self._faces: list[Any] = []
        self._pause: Any = None
        self.fault: str | None = None

    def open(self) -> bool:
        if not self._rating.leds and self._rating.pause_led is None:
            return True
        from gpiozero import LED
        from gpiozero.exc import GPIOZeroError, PinFactoryFallback

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PinFactoryFallback)
                for _score, pin in sorted(self._rating.leds.items()):
                    self._faces.append(LED(pin, pin_factory=self._factory))
                if self._rating.pause_led is not None:
                    self._pause = LED(self._rating.pause_led, pin_factory=self._factory)
        except (GPIOZeroError, OSError, RuntimeError, ImportError) as exc:
            self.close()
            self.fault = f"GPIO is not available for the rating pad's LEDs ({exc}); {GPIO_HINT}"
            return False
        return True

    def inviting(self, on: bool) -> None:
        for led in self._faces:
            led.value = on

    def paused(self, on: bool) -> None:
        if self._pause is not None:
            self._pause.value = on

    def close(self) -> None:
        for led in [*self._faces, self._pause]:
            if led is not None:
                led.close()
        self._faces.clear()
        self._pause = None


class RatingOutbox:
    """Ratings on their way to the engine: each gets one id (the engine records an id once)
    and is sent once, while the broker is there; kept while it is away, and dropped with a
    log line once older than ``max_age_s`` (the customer has long gone)."""

    def __init__(
        self,
        device: str,
        publish: Callable[[Rating], None],
        max_age_s: float,
        instance: str = "",
    ) -> None:
        self._publish = publish
        self._max_age = max_age_s
        self._prefix = f"r-{device}-{instance or format(int(time.time()), 'x')}"
        self._seq = 0
        self._waiting: deque[Rating] = deque()
        self.sent = 0
        self.dropped = 0

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def add(self, counter: str, ticket: str, score: int, scale: int, at: datetime) -> Rating:
        self._seq += 1
        rating = Rating(f"{self._prefix}-{self._seq:06d}", counter, ticket, score, scale, at)
        self._waiting.append(rating)
        return rating

    def flush(self, connected: bool, now: datetime) -> list[str]:
        """Send what is fresh while connected; drop what went stale. The ids sent."""
        sent: list[str] = []
        while self._waiting:
            rating = self._waiting[0]
            age = (now - rating.ts).total_seconds()
            if age > self._max_age:
                self._waiting.popleft()
                self.dropped += 1
                _LOG.warning(
                    "rating %s (%d of %d for %s at counter %s) dropped: %.0f s old, the broker "
                    "was away",
                    rating.id,
                    rating.score,
                    rating.scale,
                    rating.ticket,
                    rating.counter,
                    age,
                )
                continue
            if not connected:
                break
            self._waiting.popleft()
            self._publish(rating)
            self.sent += 1
            sent.append(rating.id)
        return sent
