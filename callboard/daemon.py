"""The display daemon: one inbox, one pygame loop on the main thread, the broker at the edge.

Other threads (paho's network loop, signal handlers, later the voice and the buttons) only
put messages on the inbox. The main thread sleeps on that inbox until a message comes or
the board changes by itself (the flash, the clock's minute), applies what came, repaints
the regions that changed, presents them and acknowledges the calls now on screen.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import Any

import pygame

from buttons.press import Press
from callboard import __version__
from callboard.desk import CounterDesk, key_press
from callboard.engine import QueueEngine
from callboard.systemd import Watchdog, notify
from callboard.voice import Voice
from config.settings import Config
from config.theme import Theme
from display.board_view import BoardPainter, Frame
from display.fonts import find_fonts, last_resort
from display.screen import Screen, open_screen
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import BoardSnapshot, CallEvent, CounterState, ScopedNotice
from lobby.errors import FontError
from lobby.notices import NoticeBoard
from mqtt_client.link import LinkState, MqttLink, Rejected

_LOG = logging.getLogger(__name__)

EVENT_PUMP_S = 0.05  # how often a real window or console is polled for input while idle
STATUS_EVERY_S = 60.0  # heartbeat of the retained DeviceStatus
STATUS_SOON_S = 5.0  # a changed figure (a refused payload) is reported this soon, not sooner
MAX_PENDING_ACKS = 1000
LINK_GRACE_S = 3.0  # the reconnecting badge shows once the broker has been away this long


@dataclass(frozen=True)
class Stop:
    """Leave the loop (SIGTERM, SIGINT, the window closed)."""

    reason: str


@dataclass(frozen=True)
class SaveFrame:
    """Save the current frame as a PNG (SIGUSR1), for support."""


def local_now() -> datetime:
    return datetime.now().astimezone()


class Daemon:
    """Runs one lobby screen until told to stop."""

    def __init__(
        self,
        config: Config,
        link_factory: Callable[..., MqttLink] = MqttLink,
        screen_factory: Callable[..., Screen] = open_screen,
    ) -> None:
        self.config = config
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.board = BoardState(keep=20, flash_seconds=config.display.flash_seconds)
        self._link_factory = link_factory
        self._screen_factory = screen_factory
        self._link_up = False
        self._link_down_since = time.monotonic()
        self._pending_acks: dict[str, None] = {}
        self._frame_ms = 0.0
        self._frames = 0
        self._status_sent = 0.0
        self._status_at = math.inf
        self.notices = NoticeBoard()
        self._painter: BoardPainter | None = None
        self._last_frame: Frame | None = None
        self.voice: Voice | None = None
        self.desk: CounterDesk | None = None
        self._voice_status: dict[str, Any] = {}
        self._desk_status: dict[str, Any] = {}
        self._font_fault = ""
        self._resync_from: float | None = None
        self._ever_connected = False

    # Setting up

    def _install_signals(self) -> None:
        def on_stop(signum: int, _frame: FrameType | None) -> None:
            self.inbox.put(Stop(signal.Signals(signum).name))

        def on_usr1(_signum: int, _frame: FrameType | None) -> None:
            self.inbox.put(SaveFrame())

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGUSR1, on_usr1)

    def status_fields(self) -> dict[str, Any]:
        """Figures for DeviceStatus (read from paho's thread: plain values only)."""
        return {
            "frame_ms": round(self._frame_ms, 2),
            "frames": self._frames,
            "board_seq": self.board.seq,
            **self._voice_status,
            **self._desk_status,
            **({"fonts": "fault", "fonts_fault": self._font_fault} if self._font_fault else {}),
        }

    def run(self) -> int:
        """Open the screen, connect, and show calls until a Stop arrives. Returns an exit code."""
        theme = self.config.display.theme
        screen = self._screen_factory(
            self.config.display, caption=f"callboard · {self.config.site}"
        )
        text = self._text_cache(theme)
        painter = BoardPainter(self.config, text, screen.size)
        self._painter = painter
        link = self._link_factory(self.config, self.inbox.put, __version__, self.status_fields)
        self._install_signals()
        link.start()
        engine = self._start_engine()
        self.desk = CounterDesk(self.config, self.inbox.put, link.publish_request)
        self.desk.open()
        if self.config.audio.enabled:
            self.voice = Voice(
                self.config,
                self.inbox.put,
                lambda call_id: link.publish_ack(call_id, "spoken", local_now()),
            )
            self.voice.start(time.monotonic())
        try:
            self._loop(screen, painter, link)
        finally:
            if self.voice is not None:
                self.voice.close()
            if self.desk is not None:
                self.desk.close()
            if engine is not None:
                engine.stop()
                engine.finished.wait(5)
            link.stop()
            pygame.display.quit()
        return 0

    def _start_engine(self) -> QueueEngine | None:
        """The embedded queue engine, on a thread and a broker connection of its own."""
        if not self.config.queue.embedded:
            return None
        engine = QueueEngine(self.config)

        def serve() -> None:
            code = engine.run()
            if code != 0:
                _LOG.error(
                    "the embedded queue engine stopped (exit code %d); the board goes on", code
                )

        threading.Thread(target=serve, name="callboard-queue", daemon=True).start()
        return engine

    def _text_cache(self, theme: Theme) -> TextCache:
        """The fonts found, or pygame's own: numbers without Chinese beat a dark lobby."""
        try:
            return TextCache(find_fonts(self.config.display.font, theme.fonts))
        except (FontError, OSError, pygame.error) as exc:
            self._font_fault = str(exc)
            _LOG.error("fonts: %s; showing the board with pygame's own Latin font until then", exc)
            latin = tuple(lang for lang in self.config.languages if lang not in ("zh", "ja", "ko"))
            if latin:  # what that font cannot write is not shown in pieces
                self.config = dataclasses.replace(self.config, languages=latin)
            return TextCache(last_resort())

    # The loop

    def _loop(self, screen: Screen, painter: BoardPainter, link: MqttLink) -> None:
        self._status_at = time.monotonic() + STATUS_EVERY_S
        self._present(screen, painter, link)  # the board is up before the broker answers
        notify("READY=1", f"STATUS=showing the board of {self.config.site}")
        watchdog = Watchdog()
        while True:
            now = time.monotonic()
            watchdog.kick(now, *self._healthy(link))
            wake = min(self._next_change(now), self._status_at, watchdog.next_kick())
            if screen.needs_events:
                wake = min(wake, now + EVENT_PUMP_S)
            items = self._wait(max(0.0, wake - now))
            if screen.needs_events:
                items.extend(self._pygame_events())
            stop = next((item for item in items if isinstance(item, Stop)), None)
            for item in items:
                self._apply(item, screen)
            self._speak()
            self._present(screen, painter, link)
            if stop is not None:
                _LOG.info("stopping (%s)", stop.reason)
                notify("STOPPING=1")
                return
            if time.monotonic() >= self._status_at:
                link.publish_status()
                self._status_sent = time.monotonic()
                self._status_at = self._status_sent + STATUS_EVERY_S

    def _wait(self, timeout: float) -> list[object]:
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
        """The next moment the board changes by itself: the flash, the minute, the badge."""
        wall = time.time()
        to_minute = 60.0 - (wall % 60.0) + 0.01
        badge_due = math.inf
        if self._link_looks_up(now) and not self._link_up:
            badge_due = self._link_down_since + LINK_GRACE_S
        frame = self._last_frame  # the frame just presented: what the screen shows now
        regions = self._painter.next_change(frame) if self._painter and frame else math.inf
        voice = self.voice.next_change(now) if self.voice is not None else math.inf
        desk = self.desk.next_change() if self.desk is not None else math.inf
        return min(regions, now + to_minute, badge_due, voice, desk)

    def _healthy(self, link: MqttLink) -> tuple[bool, str]:
        """The loop is running (we are in it); are the link's and the workers' threads?"""
        if not link.alive:
            return False, "the MQTT network thread has died"
        if self.voice is not None and not self.voice.clips.alive:
            return False, "the speech synthesis thread has died"
        return True, ""

    def _speak(self) -> None:
        if self.desk is not None:
            self.desk.tick(time.monotonic())
            self._desk_status = self.desk.status()
        if self.voice is not None:
            self.voice.tick(time.monotonic(), local_now())
            status = self.voice.status()
            changed = (status["audio"], status["audio_faults"]) != (
                self._voice_status.get("audio"),
                self._voice_status.get("audio_faults"),
            )
            self._voice_status = status  # swapped whole: paho's thread reads it
            if changed:  # a fault (or its end) is reported soon, not at the next heartbeat
                self._status_at = min(self._status_at, self._status_sent + STATUS_SOON_S)

    def _frame(self, now: float) -> Frame:
        return Frame(self.board, now, local_now(), self._link_looks_up(now), self.notices.current)

    def _link_looks_up(self, now: float) -> bool:
        """Up, or down for less than the grace time (no badge flicker at start or on a blip)."""
        return self._link_up or now - self._link_down_since < LINK_GRACE_S

    def _pygame_events(self) -> list[object]:
        items: list[object] = []
        surface = pygame.display.get_surface()
        windowless = surface is None or bool(surface.get_flags() & pygame.FULLSCREEN)
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                items.append(Stop("window closed"))
            elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and not windowless:
                items.append(Stop("Esc pressed"))
            elif event.type == pygame.KEYDOWN and self.config.buttons.keyboard and not windowless:
                press = key_press(self.config, event.key, event.mod, local_now())
                if press is not None:
                    items.append(press)
        return items

    def _apply(self, item: object, screen: Screen) -> None:
        now = time.monotonic()
        if isinstance(item, CallEvent):
            if self.board.apply_call(item, now):
                self._pending_acks[item.id] = None
                if self.voice is not None:
                    self.voice.on_call(item, now)
                _LOG.info("call %s: ticket %s to counter %s", item.id, item.ticket, item.counter)
        elif isinstance(item, BoardSnapshot):
            if self.board.apply_snapshot(item):
                if self._resync_from is not None:
                    _LOG.info(
                        "board resynced (seq %d) %.2f s after the broker came back",
                        item.seq,
                        now - self._resync_from,
                    )
                    self._resync_from = None
                else:
                    _LOG.debug("board snapshot seq %d", item.seq)
        elif isinstance(item, ScopedNotice):
            if self.notices.apply(item):
                shown = self.notices.current
                _LOG.info(
                    "notice changed: %d marquee lines, %d pages (from the %s)",
                    len(shown.marquee),
                    len(shown.pages),
                    item.scope,
                )
        elif isinstance(item, LinkState):
            self._link_up = item.connected
            self._link_down_since = now
            if item.connected and self._ever_connected:  # a reconnect: time the resync
                self._resync_from = now
            self._ever_connected = self._ever_connected or item.connected
            if self.desk is not None:
                self.desk.flush(item.connected, local_now())
        elif isinstance(item, Press):
            if self.desk is not None:
                self.desk.press(item, now, self._link_up, local_now())
        elif isinstance(item, CounterState):
            if self.desk is not None:
                self.desk.counter_state(item)
        elif isinstance(item, Rejected):
            self._status_at = min(self._status_at, self._status_sent + STATUS_SOON_S)
        elif isinstance(item, SaveFrame):
            self._save(screen)

    def _save(self, screen: Screen) -> None:
        path = self.config.display.screenshot
        try:
            screen.save(path)
        except (OSError, pygame.error) as exc:
            _LOG.warning("could not save the frame to %s: %s", path, exc)
        else:
            _LOG.info("saved the current frame to %s", path.resolve())

    def _present(self, screen: Screen, painter: BoardPainter, link: MqttLink) -> None:
        started = time.perf_counter()
        frame = self._frame(time.monotonic())
        self._last_frame = frame
        dirty = painter.paint(screen.surface, frame)
        if not dirty:
            return
        shown_at = screen.present(dirty)
        self._frame_ms = (time.perf_counter() - started) * 1000
        self._frames += 1
        self._ack_shown(painter, link, shown_at)

    def _ack_shown(self, painter: BoardPainter, link: MqttLink, shown_at: float) -> None:
        if not self._pending_acks:
            return
        moment = datetime.fromtimestamp(shown_at).astimezone()
        for call in painter.visible_calls(self.board):
            if call.id in self._pending_acks:
                del self._pending_acks[call.id]
                link.publish_ack(call.id, "shown", moment)
        if len(self._pending_acks) > MAX_PENDING_ACKS:  # calls replaced before they were drawn
            on_board = {call.id for call in self.board.calls}
            self._pending_acks = {i: None for i in self._pending_acks if i in on_board}
