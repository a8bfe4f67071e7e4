"""The lobby screen: one inbox, one pygame loop on the main thread, the broker at the edge.

Other threads (paho's network loop, signal handlers, the speech synthesis and gpiozero's
callbacks) only put messages on the inbox. The loop sleeps on that inbox until a message
comes or something is due (the flash, the clock's minute, a part's timer), routes what came
to the parts that own the state, repaints the regions that changed, presents them and
acknowledges the calls now on screen.
"""

from __future__ import annotations

import logging
import queue
import signal
from collections.abc import Callable, Sequence
from types import FrameType

import pygame

from config.lifecycle import Clock, Supervisor, SystemClock, Unsupervised
from config.settings import Config
from display.board_view import Frame
from display.counter_view import CounterPainter
from display.screen import Screen, open_screen
from lobby.contract import CallEvent
from mqtt_client.link import MqttLink
from screen.acks import AckLedger
from screen.board import BoardKeeper
from screen.counter import CounterScreen, OwnCallsOnly
from screen.day import DayWatch
from screen.desk import CounterDesk, key_press
from screen.frames import Frames, shown_moment
from screen.link_watch import LinkWatch
from screen.messages import DayChanged, RatingInvited, SaveFrame, Stop, Touched
from screen.pad import RatingPad
from screen.parts import Part, Router
from screen.status_clock import StatusClock
from screen.tv import TvPower
from screen.voice import Voice

_LOG = logging.getLogger(__name__)

EVENT_PUMP_S = 0.05  # how often a real window or console is polled for input while idle

VoiceFactory = Callable[[Config, Callable[[object], None], Callable[[str], None], Clock], Part]


def speaking_voice(
    config: Config, deliver: Callable[[object], None], spoken: Callable[[str], None], clock: Clock
) -> Part:
    voice = Voice(config, deliver, spoken, clock.wall)
    voice.start(clock.monotonic())
    return voice


class Daemon:
    """Runs one lobby screen until told to stop."""

    def __init__(
        self,
        config: Config,
        link_factory: Callable[..., MqttLink] = MqttLink,
        screen_factory: Callable[..., Screen] = open_screen,
        *,
        version: str = "0",
        clock: Clock | None = None,
        supervisor: Supervisor | None = None,
        voice_factory: VoiceFactory | None = speaking_voice,
        pin_factory: object = None,
        more_parts: Sequence[Part] = (),
    ) -> None:
        self.config = config
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.clock = clock or SystemClock()
        self._link_factory = link_factory
        self._screen_factory = screen_factory
        self._version = version
        self._supervisor = supervisor or Unsupervised()
        self._voice_factory = voice_factory
        self._pin_factory = pin_factory
        self._more_parts = more_parts
        self._stop: Stop | None = None

    # Setting up

    def open(self) -> None:
        """Open the screen, draw the first frame, connect, and start the voice and desk."""
        now = self.clock.monotonic()
        screen = self._screen_factory(
            self.config.display, caption=f"callboard · {self.config.site}"
        )
        self.frames = Frames(self.config, screen)
        self.link = self._link_factory(self.frames.config, self.inbox.put, self._version)
        self.board = BoardKeeper(self.frames.config, self.clock.wall)
        self.day = DayWatch(
            self.frames.config, self.clock.wall, lambda: sum(self.board.state.waiting.values())
        )
        self.link_watch = LinkWatch(now)
        self.acks = AckLedger(self.link.publish_ack)
        self.status_clock = StatusClock(self.link.publish_status, now)
        self.desk = CounterDesk(
            self.config,
            self.inbox.put,
            self.link.publish_request,
            self.clock.wall,
            self._pin_factory,
            instance=self.link.instance,
        )
        self.counter_page: CounterScreen | None = None
        if isinstance(self.frames.painter, CounterPainter):
            self.counter_page = CounterScreen(self.frames.config, self.frames.painter.face_at)
        parts: list[Part] = [
            self.board,
            self.day,
            *([self.counter_page] if self.counter_page is not None else []),
            self.link_watch,
            self.acks,
            self.frames,
            self.desk,
            self.status_clock,
            TvPower(self.config, self.frames, self.inbox.put, self.clock.wall),
            *self._more_parts,
        ]
        self.pad = self._rating_pad(parts)
        if self.pad is not None:
            parts.append(self.pad)
        self.router = Router(parts)
        self._present()  # the board is up before the broker answers
        self.link.set_status(self.router.status())
        self.link.start()
        self.desk.open()
        if self.pad is not None:
            self.pad.open()
        if self.config.audio.enabled and self._voice_factory is not None:
            voice = self._voice_factory(
                self.frames.config, self.inbox.put, self._spoken, self.clock
            )
            if self.counter_page is not None:
                voice = OwnCallsOnly(voice, self.counter_page.page.counter)
            self.router = Router([*parts, voice])
            self.router.route(DayChanged(self.day.view), now)  # silent from the start if closed

    def _rating_pad(self, parts: Sequence[Part]) -> RatingPad | None:
        """The counter's rating pad when ``[rating]`` wires one here; it tells the faces to
        a part that draws them (the counter screen), when this screen has one."""
        if self.config.rating is None:
            return None
        return RatingPad(
            self.config,
            self.inbox.put,
            self.link.publish_rating,
            self.link.publish_request,
            self.clock.wall,
            self._pin_factory,
            instance=self.link.instance,
            screen=any(RatingInvited in part.handles for part in parts),
        )

    def _spoken(self, call_id: str) -> None:
        self.link.publish_ack(call_id, "spoken", self.clock.wall())

    def close(self) -> None:
        self.router.close()
        self.link.stop()
        pygame.display.quit()

    def _install_signals(self) -> None:
        def on_stop(signum: int, _frame: FrameType | None) -> None:
            self.inbox.put(Stop(signal.Signals(signum).name))

        def on_usr1(_signum: int, _frame: FrameType | None) -> None:
            self.inbox.put(SaveFrame())

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGUSR1, on_usr1)

    def run(self) -> int:
        """Open the screen, connect, and show calls until a Stop arrives. Returns an exit code."""
        self._install_signals()
        self.open()
        self._supervisor.ready(f"showing the board of {self.config.site}")
        try:
            while self.step():
                pass
        finally:
            self._supervisor.stopping()
            self.close()
        return 0

    # The loop

    def step(self, wait: float | None = None) -> bool:
        """One pass: sleep until something comes or is due (at most ``wait`` seconds, when
        given), apply it, repaint, present, report. False once told to stop."""
        now = self.clock.monotonic()
        self._supervisor.kick(now, *self._health())
        due = min(self._next_change(now), self._supervisor.next_kick())
        if self.frames.screen.needs_events:
            due = min(due, now + EVENT_PUMP_S)
        timeout = max(0.0, due - now)
        items = self._take(timeout if wait is None else min(wait, timeout))
        if self.frames.screen.needs_events or self.counter_page is not None:
            items.extend(self._pygame_events())
        now = self.clock.monotonic()
        for item in items:
            if isinstance(item, Stop):
                self._stop = item
            else:
                self.router.route(item, now)
        self.link.set_status(self.router.status())
        self.router.tick(now)
        self._present()
        if self._stop is not None:
            _LOG.info("stopping (%s)", self._stop.reason)
            return False
        return True

    def _take(self, timeout: float) -> list[object]:
        """Sleep until a message or the timeout; then take what is waiting, one call at most.

        One CallEvent per frame guarantees that every call is drawn (and so acknowledged)
        even in a burst; other messages are cheap to merge and are all taken.
        """
        items: list[object] = []
        try:
            items.append(
                self.inbox.get(timeout=timeout) if timeout > 0 else self.inbox.get_nowait()
            )
        except queue.Empty:
            return items
        while not isinstance(items[-1], CallEvent | Stop):
            try:
                items.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return items

    def _next_change(self, now: float) -> float:
        """The next moment something is due: the board by itself, the minute, a part."""
        wall = self.clock.wall().timestamp()
        to_minute = 60.0 - (wall % 60.0) + 0.01
        return min(self.frames.next_change(), now + to_minute, self.router.next_wake(now))

    def _health(self) -> tuple[bool, str]:
        """The loop is running (we are in it); are the link's and the parts' threads?"""
        if not self.link.alive:
            return False, "the MQTT network thread has died"
        trouble = self.router.trouble()
        return not trouble, trouble

    def _present(self) -> None:
        now = self.clock.monotonic()
        frame = Frame(
            self.board.state,
            now,
            self.clock.wall(),
            self.link_watch.looks_up(now),
            self.board.notice,
            self.day.view,
            self.counter_page.look(now) if self.counter_page is not None else None,
        )
        shown_at = self.frames.present(frame)
        if shown_at is not None:
            visible = self.frames.painter.visible_calls(self.board.state)
            self.acks.shown(visible, self.board.state.calls, shown_moment(shown_at))

    def _touch(self, event: pygame.event.Event) -> Touched | None:
        """A finger, or a mouse's left button, on a counter's screen (a touch that SDL also
        reports as a mouse click counts once)."""
        if self.counter_page is None:
            return None
        if event.type == pygame.FINGERDOWN:
            width, height = self.frames.screen.size
            return Touched(int(event.x * width), int(event.y * height))
        if (
            event.type == pygame.MOUSEBUTTONDOWN
            and event.button == 1
            and not getattr(event, "touch", False)
        ):
            return Touched(*event.pos)
        return None

    def _pygame_events(self) -> list[object]:
        items: list[object] = []
        surface = pygame.display.get_surface()
        windowless = surface is None or bool(surface.get_flags() & pygame.FULLSCREEN)
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                items.append(Stop("window closed"))
            elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and not windowless:
                items.append(Stop("Esc pressed"))
            elif (touch := self._touch(event)) is not None:
                items.append(touch)
            elif event.type == pygame.KEYDOWN and self.config.buttons.keyboard and not windowless:
                press = key_press(self.config, event.key, event.mod, self.clock.wall())
                if press is not None:
                    items.append(press)
        return items
