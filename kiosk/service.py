"""The ticket machine as a service: one pygame loop on the main thread, the broker, the
printer and the buttons at the edges.

Touches, keys and GPIO presses become Choices; the flow asks the engine (through the
broker) and hands out what the engine issued: on the screen, and to the printer's thread.
The waiting counts come from the retained board; a service whose every counter is paused,
or the lobby outside its hours, shows why on its button and takes no ticket.
"""

from __future__ import annotations

import logging
import queue
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

import pygame

from config.lifecycle import Clock, Supervisor, SystemClock, Unsupervised
from config.settings import Config
from display.fonts import find_fonts, last_resort
from display.screen import Screen, open_screen
from display.text import TextCache
from kiosk.flow import Choice, Give, KioskFlow, Showing, Welcome
from kiosk.gpio import ServiceButtons, pin_factory
from kiosk.printing import PrinterChanged
from kiosk.view import KioskFrame, KioskView, ordered
from lobby.contract import BoardSnapshot, CounterState, TicketIssued, TicketRefused
from lobby.errors import FontError
from lobby.wording import words
from mqtt_client.kiosk_link import KioskLink
from mqtt_client.session import LinkState, Rejected

_LOG = logging.getLogger(__name__)
EVENT_PUMP_S = 0.05
STATUS_EVERY_S = 60.0


class Stop:
    def __init__(self, reason: str) -> None:
        self.reason = reason


class SaveFrame:
    """Save the current frame as a PNG (SIGUSR1)."""


class TicketOutput(Protocol):
    """Where a ticket goes besides the screen: a printer, or nowhere."""

    @property
    def fault(self) -> str | None: ...

    def give(self, issued: TicketIssued) -> None: ...

    def listen(self, deliver: Callable[[object], None]) -> None:
        """Where to say that the output changed (a fault came or went)."""

    def close(self) -> None: ...


class NoPrinter:
    """A kiosk without a printer: the ticket is on the screen only."""

    fault: str | None = None

    def give(self, issued: TicketIssued) -> None:
        pass

    def listen(self, deliver: Callable[[object], None]) -> None:
        pass

    def close(self) -> None:
        pass


class Kiosk:
    """Runs one ticket machine until told to stop."""

    def __init__(
        self,
        config: Config,
        link_factory: Callable[..., KioskLink] = KioskLink,
        screen_factory: Callable[..., Screen] = open_screen,
        *,
        version: str = "0",
        printer: TicketOutput | None = None,
        clock: Clock | None = None,
        supervisor: Supervisor | None = None,
        pins: Any = None,
    ) -> None:

        self.config = config
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.clock = clock or SystemClock()
        self.printer: TicketOutput = printer or NoPrinter()
        self._link_factory = link_factory
        self._screen_factory = screen_factory
        self._version = version
        self._supervisor = supervisor or Unsupervised()
        self._pins = pins
        self.waiting: dict[str, int] = {}
        self.open_counters: dict[str, bool] = {}
        self._last_key: object = None
        self._to_print: list[TicketIssued] = []
        self.presented_at = 0.0
        self._stop: Stop | None = None
        self._status_due = 0.0

    # Setting up

    def open(self) -> None:
        self.screen = self._screen_factory(
            self.config.display, caption=f"callboard kiosk · {self.config.site}"
        )
        try:
            text = TextCache(find_fonts(self.config.display.font, self.config.display.theme.fonts))
        except (FontError, OSError, pygame.error) as exc:
            _LOG.error("fonts: %s; the kiosk shows what pygame's own font can", exc)
            text = TextCache(last_resort())
        self.view = KioskView(self.config, text, self.screen.size)
        self.lang = self.view.languages[0]
        """The language the next ticket is called in (the customer's choice; gpiozero's
        thread reads it, so it is only ever replaced whole)."""
        self.link = self._link_factory(self.config, self.inbox.put, self._version)
        self.flow = KioskFlow(
            f"k-{self.config.device}-{self.link.instance}",
            self.config.kiosk.answer_s,
            self.config.kiosk.tries,
            self.config.kiosk.show_seconds,
        )
        self.buttons = ServiceButtons(
            self.config,
            self.inbox.put,
            lambda: self.lang,
            self._pins or pin_factory(self.config.buttons.pin_factory),
        )
        self.buttons.open()
        self.printer.listen(self.inbox.put)
        self._present()
        self.link.set_status(self.status())
        self.link.start()
        self._status_due = self.clock.monotonic() + STATUS_EVERY_S

    def close(self) -> None:
        self.buttons.close()
        self.printer.close()
        self.link.stop()
        pygame.display.quit()

    def run(self) -> int:
        def on_stop(signum: int, _frame: FrameType | None) -> None:
            self.inbox.put(Stop(signal.Signals(signum).name))

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGUSR1, lambda *_: self.inbox.put(SaveFrame()))
        self.open()
        self._supervisor.ready(f"taking tickets for {self.config.site}")
        try:
            while self.step():
                pass
        finally:
            self._supervisor.stopping()
            self.close()
        return 0

    # The loop

    def step(self, wait: float | None = None) -> bool:
        """One pass: sleep until something comes or is due, apply it, repaint if changed."""
        now = self.clock.monotonic()
        self._supervisor.kick(now, self.link.alive, "the MQTT network thread has died")
        wall = self.clock.wall().timestamp()
        due = min(
            self.flow.next_wake(now),
            now + 60.0 - wall % 60.0 + 0.01,
            self._status_due,
            self._supervisor.next_kick(),
            now + EVENT_PUMP_S,
        )
        timeout = max(0.0, due - now) if wait is None else min(wait, max(0.0, due - now))
        was_busy = not isinstance(self.flow.state, Welcome)
        items = self._take(timeout) + self._pygame_events()
        now = self.clock.monotonic()
        for item in items:
            self._apply(item, now)
        for asked in self.flow.tick(now):
            self.link.ask(asked.request)
        if was_busy and isinstance(self.flow.state, Welcome):
            self.lang = self.view.languages[0]  # the next customer chooses again
        self._present()
        for issued in self._to_print:  # drawing the paper ticket takes tens of ms: after
            self.printer.give(issued)
        self._to_print.clear()
        if now >= self._status_due:
            self.link.set_status(self.status())
            self.link.publish_status()
            self._status_due = now + STATUS_EVERY_S
        if self._stop is not None:
            _LOG.info("stopping (%s)", self._stop.reason)
            return False
        return True

    def _take(self, timeout: float) -> list[object]:
        items: list[object] = []
        try:
            items.append(
                self.inbox.get(timeout=timeout) if timeout > 0 else self.inbox.get_nowait()
            )
        except queue.Empty:
            return items
        while True:
            try:
                items.append(self.inbox.get_nowait())
            except queue.Empty:
                return items

    def _apply(self, item: object, now: float) -> None:
        if isinstance(item, Choice):
            self.choose(item, now)
        elif isinstance(item, TicketIssued):
            for given in self.flow.answer(item, now):
                self._give(given)
        elif isinstance(item, TicketRefused):
            self.flow.refuse(item, now)
        elif isinstance(item, BoardSnapshot):
            self.waiting = dict(item.waiting)
        elif isinstance(item, CounterState):
            self.open_counters[item.counter] = item.is_open
        elif isinstance(item, Rejected | PrinterChanged):
            self._status_due = min(self._status_due, now + 5.0)  # soon, not in a minute
        elif isinstance(item, SaveFrame):
            self._save()
        elif isinstance(item, Stop):
            self._stop = item
        elif not isinstance(item, LinkState):
            _LOG.debug("nothing in the kiosk handles %r", item)

    def choose(self, choice: Choice, now: float) -> None:
        """A customer's press: a ticket, unless the service takes none now."""
        why = self.closed().get(choice.service)
        if why is not None or choice.service not in {s.id for s in self.view.services}:
            _LOG.info("press for %s while it takes no ticket (%s)", choice.service, why)
            return
        for asked in self.flow.press(choice, now, self.clock.wall()):
            _LOG.info(
                "ticket asked: %s (%s, called in %s)", asked.request.id, choice.service, choice.lang
            )
            self.link.ask(asked.request)

    def _give(self, given: Give) -> None:
        _LOG.info("ticket %s given (%s)", given.issued.ticket, given.issued.request_id)
        self._to_print.append(given.issued)  # printed once the screen shows it
        self.link.set_status(self.status())

    def closed(self) -> dict[str, str]:
        """Service id -> why its button takes no ticket now, in the kiosk's languages."""
        wall = self.clock.wall()
        langs = ordered(self.view.languages, self.lang)
        hours = self.config.hours
        if not hours.is_open(wall):
            today = hours.text(wall.date())
            line = (
                words("opening_hours", langs[:2], hours=today)
                if today
                else words("closed_today", langs[:2])
            )
            return {s.id: " / ".join(line) for s in self.view.services}
        paused = " / ".join(words("service_paused", langs[:2]))
        return {s.id: paused for s in self.view.services if not self._served(s.id)}

    def _served(self, service: str) -> bool:
        """Some counter serving it is open (one never heard of counts as open)."""
        serving = [c.id for c in self.config.counters if service in c.services]
        return any(self.open_counters.get(c, True) for c in serving)

    def status(self) -> dict[str, Any]:
        fault = self.printer.fault
        return {
            "tickets_given": self.flow.given,
            "tickets_abandoned": self.flow.abandoned,
            "printer": "fault"
            if fault
            else ("none" if isinstance(self.printer, NoPrinter) else "ok"),
            "faults": [f"printer: {fault}"] if fault else [],
        }

    # Input and output

    def _pygame_events(self) -> list[object]:
        items: list[object] = []
        width, height = self.screen.size
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                items.append(Stop("window closed"))
            elif event.type == pygame.FINGERDOWN:
                items.extend(self._touch((int(event.x * width), int(event.y * height))))
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                items.extend(self._touch(event.pos))
            elif event.type == pygame.KEYDOWN:
                items.extend(self._key(event.key))
        return items

    def _touch(self, pos: tuple[int, int]) -> list[object]:
        target = self.view.target_at(pos)
        if target is None:
            return []
        kind, value = target
        if kind == "lang":
            self.lang = value
            return []
        if kind == "ticket":  # a touch on the ticket brings the buttons back
            if isinstance(self.flow.state, Showing):
                self.flow.state = Welcome()
            return []
        return [Choice(value, self.lang, "touch")]

    def _key(self, key: int) -> list[object]:
        """1-9: the n-th service's button; 0: the next language; Esc in a window: stop."""
        if key == pygame.K_ESCAPE and not self.screen.fullscreen:
            return [Stop("Esc pressed")]
        if key in (pygame.K_0, pygame.K_KP0):
            langs = self.view.languages
            self.lang = langs[(langs.index(self.lang) + 1) % len(langs)]
            return []
        digits = {getattr(pygame, f"K_{n}"): n for n in range(1, 10)}
        digits.update({getattr(pygame, f"K_KP{n}"): n for n in range(1, 10)})
        n = digits.get(key)
        services = self.view.services
        if n is None or n > len(services):
            return []
        return [Choice(services[n - 1].id, self.lang, "key")]

    def frame(self) -> KioskFrame:
        return KioskFrame(
            self.flow.state,
            self.lang,
            self.clock.wall(),
            self.waiting,
            self.closed(),
            self.printer.fault is not None,
        )

    def _present(self) -> None:
        frame = self.frame()
        key = (
            frame.state,
            frame.lang,
            frame.wall.strftime("%H:%M"),
            tuple(sorted(frame.waiting.items())),
            tuple(sorted(frame.closed.items())),
            frame.printer_fault,
        )
        if key == self._last_key:
            return
        self._last_key = key
        self.view.paint(self.screen.surface, frame)
        self.screen.present([self.screen.surface.get_rect()])
        self.presented_at = time.perf_counter()  # for bench/kiosk.py

    def _save(self) -> None:
        self.screen.save(self.config.display.screenshot)
