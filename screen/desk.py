"""The counters' side of the screen: buttons (GPIO or keyboard) -> outbox -> broker, and the
engine's CounterState -> LEDs. Everything here runs on the main thread but gpiozero's
callbacks, which only put presses on the screen's inbox."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pygame

from buttons.panel import ButtonPanel, CounterLights, make_pin_factory
from buttons.press import Press, PressOutbox
from config.settings import Config
from lobby.contract import CounterState
from mqtt_client.session import LinkState
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)
DIGIT_KEYS = {getattr(pygame, f"K_{n}"): n for n in range(1, 10)}
DIGIT_KEYS.update({getattr(pygame, f"K_KP{n}"): n for n in range(1, 10)})


def key_press(config: Config, key: int, mods: int, at: datetime) -> Press | None:
    """A number key presses the n-th counter's button; Shift: recall; Ctrl: skip."""
    n = DIGIT_KEYS.get(key)
    if n is None or n > len(config.counters):
        return None
    action = "skip" if mods & pygame.KMOD_CTRL else "recall" if mods & pygame.KMOD_SHIFT else "next"
    return Press(config.counters[n - 1].id, action, at, source="keyboard")


class CounterDesk(Part):
    """Presses from the counters, sent once while fresh; LEDs following the engine."""

    handles = (Press, CounterState, LinkState)

    def __init__(
        self,
        config: Config,
        deliver: Callable[[object], None],
        publish: Callable[[str, str, str, datetime], None],
        wall: Callable[[], datetime],
        pin_factory: Any = None,
        instance: str = "",
    ) -> None:
        self._config = config
        self._wall = wall
        self._connected = False
        factory = pin_factory or make_pin_factory(config.buttons.pin_factory)
        self.panel = ButtonPanel(config, deliver, factory)
        self.lights = CounterLights(config, factory)
        self.outbox = PressOutbox(config.device, publish, config.buttons.max_age_s, instance)

    def open(self) -> None:
        for part in (self.panel, self.lights):
            if not part.open():
                _LOG.warning("buttons: %s; the display and the voice go on", part.fault)

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, Press):
            self.press(message, now, self._connected, self._wall())
        elif isinstance(message, CounterState):
            self.lights.apply(message)
        elif isinstance(message, LinkState):
            self._connected = message.connected
            self.flush(message.connected, self._wall())
        return NOTHING

    def press(self, press: Press, now: float, connected: bool, wall: datetime) -> None:
        request_id = self.outbox.add(press)
        _LOG.info(
            "counter %s pressed %s (%s) -> %s",
            press.counter,
            press.action,
            press.source,
            request_id,
        )
        self.lights.pressed(press.counter, now)
        self.flush(connected, wall)

    def flush(self, connected: bool, wall: datetime) -> None:
        self.outbox.flush(connected, wall)

    def tick(self, now: float) -> Sequence[object]:
        self.lights.tick(now)
        return NOTHING

    def next_wake(self, now: float) -> float:
        return self.lights.next_change() if self.lights else math.inf

    def status(self) -> Mapping[str, Any]:
        fault = self.panel.fault or self.lights.fault
        return {
            "buttons": "fault" if fault else "ok",
            "presses_waiting": self.outbox.waiting,
            **({"buttons_fault": fault} if fault else {}),
        }

    def close(self) -> None:
        self.panel.close()
        self.lights.close()
