"""The counters' buttons and LEDs on the Pi's GPIO, through gpiozero.

Pins come from a pin factory passed in (gpiozero's ``pin_factory=``; on a Pi 4 or 5 its
lgpio factory, in tests its MockFactory), so the same code runs on the hardware and in
tests. gpiozero calls back on threads of its own: the callbacks here only turn what
happened into a ``Press`` and hand it on.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

from buttons.press import Press
from config.plugins import PIN_FACTORIES, registered
from config.settings import ButtonSettings, Config
from lobby.contract import CounterState

_LOG = logging.getLogger(__name__)
GPIO_HINT = (
    "on a Raspberry Pi, add the service's user to the gpio group "
    "(sudo adduser callboard gpio) and check the pin numbers"
)
IN_FLIGHT_S = 10.0  # an LED blinks at most this long waiting for the engine's answer

Deliver = Callable[[Press], None]
Echo = Callable[[str], None]


def make_pin_factory(name: str) -> Any:
    """A gpiozero pin factory by name, from gpiozero's own table of them (its entry points);
    None lets gpiozero choose (GPIOZERO_PIN_FACTORY, then lgpio, rpigpio, …)."""
    if not name:
        return None
    entry = registered(PIN_FACTORIES).get(name)
    if entry is None:
        raise ValueError(f"gpiozero has no pin factory {name!r}")
    return entry.load()()


def _now() -> datetime:
    return datetime.now().astimezone()


class ButtonPanel:
    """Every counter's call (and recall) button, turned into presses."""

    def __init__(
        self, config: Config, deliver: Deliver, pin_factory: Any = None, echo: Echo | None = None
    ) -> None:
        self._config = config
        self._settings: ButtonSettings = config.buttons
        self._deliver = deliver
        self._factory = pin_factory
        self._echo = echo
        self._devices: list[Any] = []
        self._held: set[str] = set()
        self._double: dict[str, threading.Timer] = {}
        self._lock = threading.Lock()
        self.fault: str | None = None

    @property
    def wanted(self) -> bool:
        return any(
            c.button is not None or c.recall_button is not None for c in self._config.counters
        )

    def open(self) -> bool:
        """Claim the pins; False with ``fault`` set (one clear line) when GPIO is unusable."""
        if not self.wanted:
            return True
        from gpiozero import Button
        from gpiozero.exc import GPIOZeroError, PinFactoryFallback

        s = self._settings
        try:
            with warnings.catch_warnings():  # gpiozero's fallback chatter: one line is ours
                warnings.simplefilter("ignore", PinFactoryFallback)
                for counter in self._config.counters:
                    if counter.button is not None:
                        self._call_button(Button, counter.id, counter.button)
                    if counter.recall_button is not None:
                        self._recall_button(Button, counter.id, counter.recall_button)
        except (GPIOZeroError, OSError, RuntimeError, ImportError) as exc:
            self.close()
            self.fault = f"GPIO is not available ({exc}); {GPIO_HINT}"
            return False
        _LOG.info(
            "counter buttons ready on %d pins (hold %.1f s: recall; skip: %s)",
            len(self._devices),
            s.hold_seconds,
            s.skip,
        )
        return True

    def _button(self, factory: Any, pin: int) -> Any:
        s = self._settings
        device = factory(
            pin,
            pull_up=s.pull_up,
            bounce_time=s.bounce_ms / 1000 or None,
            hold_time=s.hold_seconds,
            pin_factory=self._factory,
        )
        self._devices.append(device)
        return device

    def _call_button(self, factory: Any, counter: str, pin: int) -> None:
        button = self._button(factory, pin)
        button.when_pressed = lambda: self._say(f"counter {counter} call button (GPIO{pin}) down")
        button.when_held = lambda: self._hold(counter, "recall", pin)
        button.when_released = lambda: self._release(counter, pin)

    def _recall_button(self, factory: Any, counter: str, pin: int) -> None:
        button = self._button(factory, pin)
        if self._settings.skip == "recall-hold":
            key = f"{counter}/recall"
            button.when_held = lambda: self._hold(key, "skip", pin)
            button.when_released = lambda: self._recall_release(key, counter, pin)
        else:
            button.when_pressed = lambda: self._send(counter, "recall", pin)

    # gpiozero's threads: decide, hand over, nothing more

    def _say(self, line: str) -> None:
        if self._echo is not None:
            self._echo(line)

    def _send(self, counter: str, action: str, pin: int) -> None:
        self._say(f"counter {counter} (GPIO{pin}): {action}")
        self._deliver(Press(counter.split("/")[0], action, _now()))

    def _hold(self, key: str, action: str, pin: int) -> None:
        with self._lock:
            self._held.add(key)
        self._send(key, action, pin)

    def _release(self, counter: str, pin: int) -> None:
        with self._lock:
            if counter in self._held:
                self._held.discard(counter)  # the hold already sent its recall
                return
            if self._settings.skip != "double":
                pending = None
            else:
                pending = self._double.pop(counter, None)
                if pending is None:
                    timer = threading.Timer(
                        self._settings.double_seconds, self._single, (counter, pin)
                    )
                    timer.daemon = True
                    self._double[counter] = timer
                    timer.start()
                    return
        if pending is not None:
            pending.cancel()
            self._send(counter, "skip", pin)
        else:
            self._send(counter, "next", pin)

    def _single(self, counter: str, pin: int) -> None:
        with self._lock:
            if self._double.pop(counter, None) is None:
                return
        self._send(counter, "next", pin)

    def _recall_release(self, key: str, counter: str, pin: int) -> None:
        with self._lock:
            if key in self._held:
                self._held.discard(key)
                return
        self._send(counter, "recall", pin)

    def close(self) -> None:
        for timer in self._double.values():
            timer.cancel()
        for device in self._devices:
            device.close()
        self._devices.clear()


class CounterLights:
    """An LED per counter: on while it serves a ticket, blinking while a press is in flight."""

    def __init__(self, config: Config, pin_factory: Any = None) -> None:
        self._config = config
        self._factory = pin_factory
        self._leds: dict[str, Any] = {}
        self._serving: dict[str, bool] = {}
        self._in_flight: dict[str, float] = {}
        self.fault: str | None = None

    def open(self) -> bool:
        from gpiozero import LED
        from gpiozero.exc import GPIOZeroError, PinFactoryFallback

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PinFactoryFallback)
                for counter in self._config.counters:
                    if counter.led is not None:
                        self._leds[counter.id] = LED(counter.led, pin_factory=self._factory)
        except (GPIOZeroError, OSError, RuntimeError, ImportError) as exc:
            self.close()
            self.fault = f"GPIO is not available for the LEDs ({exc}); {GPIO_HINT}"
            return False
        return True

    def pressed(self, counter: str, now: float) -> None:
        led = self._leds.get(counter)
        if led is not None:
            self._in_flight[counter] = now + IN_FLIGHT_S
            led.blink(on_time=0.15, off_time=0.15)

    def apply(self, state: CounterState) -> None:
        self._serving[state.counter] = state.ticket is not None
        self._in_flight.pop(state.counter, None)
        self._show(state.counter)

    def _show(self, counter: str) -> None:
        led = self._leds.get(counter)
        if led is None:
            return
        if self._serving.get(counter):
            led.on()
        else:
            led.off()

    def tick(self, now: float) -> None:
        for counter, until in list(self._in_flight.items()):
            if now >= until:  # no answer from the engine: show what is known
                del self._in_flight[counter]
                self._show(counter)

    def next_change(self) -> float:
        return min(self._in_flight.values(), default=float("inf"))

    def state_of(self, counter: str) -> str:
        """ "blinking", "on" or "off": for tests and the wiring check."""
        if counter in self._in_flight:
            return "blinking"
        led = self._leds.get(counter)
        return "on" if led is not None and led.is_lit else "off"

    def close(self) -> None:
        for led in self._leds.values():
            led.close()
        self._leds.clear()
