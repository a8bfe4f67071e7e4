"""The frames part: the screen, the painter and what the last presented frame showed."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import pygame

from config.settings import Config
from display.board_view import BoardPainter, Frame
from display.counter_view import CounterPainter
from display.fonts import find_fonts, last_resort
from display.screen import Screen
from display.text import TextCache
from lobby.errors import FontError
from screen.messages import SaveFrame
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)
LATIN_ONLY = ("zh", "ja", "ko")
DONE = object()


def text_cache(config: Config) -> tuple[TextCache, Config, str]:
    """The fonts found, or pygame's own: numbers without Chinese beat a dark lobby.

    Returns the cache, the config to draw with (without the languages pygame's font cannot
    write, when it had to be used) and the font fault ("" when all is well).
    """
    try:
        return TextCache(find_fonts(config.display.font, config.display.theme.fonts)), config, ""
    except (FontError, OSError, pygame.error) as exc:
        _LOG.error("fonts: %s; showing the board with pygame's own Latin font until then", exc)
        latin = tuple(lang for lang in config.languages if lang not in LATIN_ONLY)
        if latin:  # what that font cannot write is not shown in pieces
            config = dataclasses.replace(config, languages=latin)
        return TextCache(last_resort()), config, str(exc)


class Frames(Part):
    """Paints frames onto the screen and presents the regions that changed."""

    handles = (SaveFrame,)

    def __init__(self, config: Config, screen: Screen) -> None:
        self.screen = screen
        text, self.config, self.font_fault = text_cache(config)
        self.painter: BoardPainter | CounterPainter
        if self.config.display.layout == "counter":
            self.painter = CounterPainter(self.config, text, screen.size)
        else:
            self.painter = BoardPainter(self.config, text, screen.size)
        self.last: Frame | None = None
        self.frame_ms = 0.0
        self.frames = 0
        self._warming: Iterator[None] | None = self.painter.warming()
        self._warm_started: float | None = None
        self.dark = False
        """The TV is off (or blanked): one black frame, then nothing is drawn."""

    def go_dark(self) -> None:
        """Show one black frame and stop drawing until ``light_up``."""
        self.dark = True
        self.screen.surface.fill((0, 0, 0))
        self.screen.present([self.screen.surface.get_rect()])

    def light_up(self) -> None:
        """Draw again: the next frame repaints the whole board."""
        self.dark = False
        self.painter.invalidate()

    def present(self, frame: Frame) -> float | None:
        """Paint and show ``frame``; the wall time (epoch s) it went out, None if unchanged
        (or dark)."""
        started = time.perf_counter()
        self.last = frame
        if self.dark:
            self._warm_a_slice()
            return None
        dirty = self.painter.paint(self.screen.surface, frame)
        if not dirty:
            self._warm_a_slice()
            return None
        shown_at = self.screen.present(dirty)
        self.frame_ms = (time.perf_counter() - started) * 1000
        self.frames += 1
        self._warm_a_slice()
        return shown_at

    def _warm_a_slice(self) -> None:
        """After a frame (the first is up before any warming), one slice of what the first
        call would otherwise wait for; next_change() asks for the loop back at once while
        slices are left."""
        if self._warming is None:
            return
        started = time.perf_counter()
        self._warm_started = self._warm_started or started
        if next(self._warming, DONE) is DONE:
            self._warming = None
            spent = (time.perf_counter() - self._warm_started) * 1000
            _LOG.info("the first call's text is ready (%.0f ms after the first frame)", spent)

    def next_change(self) -> float:
        """When the board changes by itself (the flash, the marquee, the pages), or now
        while the first call's text is still being made ready."""
        if self.last is None or self._warming is not None:
            return 0.0
        if self.dark:
            return math.inf
        return self.painter.next_change(self.last)

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, SaveFrame):
            self.save()
        return NOTHING

    def save(self) -> None:
        self.screen.save(self.config.display.screenshot)

    def status(self) -> Mapping[str, Any]:
        figures: dict[str, Any] = {"frame_ms": round(self.frame_ms, 2), "frames": self.frames}
        if self.font_fault:
            figures.update({"fonts": "fault", "fonts_fault": self.font_fault})
        return figures


def shown_moment(shown_at: float) -> datetime:
    return datetime.fromtimestamp(shown_at).astimezone()
