"""Big physical buttons, one per service (gpiozero; MockFactory in tests): a press takes a
ticket as a touch would. gpiozero's callbacks only hand a Choice to the kiosk's inbox."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from typing import Any

from config.plugins import PIN_FACTORIES, registered
from config.settings import Config
from kiosk.flow import Choice

_LOG = logging.getLogger(__name__)
GPIO_HINT = "on a Raspberry Pi, add the kiosk's user to the gpio group and check the pins"


def pin_factory(name: str) -> Any:
    """gpiozero's pin factory by name from its own entry points; None: gpiozero's choice."""
    entry = registered(PIN_FACTORIES).get(name) if name else None
    return entry.load()() if entry is not None else None


class ServiceButtons:
    """One gpiozero Button per service in ``[kiosk] buttons``."""

    def __init__(
        self,
        config: Config,
        deliver: Callable[[object], None],
        lang: Callable[[], str],
        factory: Any,
    ) -> None:
        self._pins = dict(config.kiosk.buttons)
        self._deliver = deliver
        self._lang = lang
        self._factory = factory
        self._bounce = config.buttons.bounce_ms / 1000 or None
        self._pull_up = config.buttons.pull_up
        self._devices: list[Any] = []
        self.fault: str | None = None

    def open(self) -> bool:
        """Claim the pins; False with ``fault`` (one clear line) when GPIO is unusable."""
        if not self._pins:
            return True
        from gpiozero import Button
        from gpiozero.exc import GPIOZeroError, PinFactoryFallback

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PinFactoryFallback)
                for service, pin in self._pins.items():
                    button = Button(
                        pin,
                        pull_up=self._pull_up,
                        bounce_time=self._bounce,
                        pin_factory=self._factory,
                    )
                    button.when_released = lambda s=service: self._press(s)
                    self._devices.append(button)
        except (GPIOZeroError, OSError, RuntimeError, ImportError) as exc:
            self.close()
            self.fault = f"GPIO is not available ({exc}); {GPIO_HINT}"
            _LOG.warning("kiosk buttons: %s; the touch screen goes on", self.fault)
            return False
        _LOG.info("kiosk buttons ready on %d pins", len(self._devices))
        return True

    def _press(self, service: str) -> None:  # gpiozero's thread
        self._deliver(Choice(service, self._lang(), "gpio"))

    def close(self) -> None:
        for device in self._devices:
            device.close()
        self._devices.clear()
