"""The painter of the lobby board: draws only the regions whose content changed.

Each region has a *key*: the values it shows. A region is repainted when its key differs
from the one it was last painted with, and only its rectangle is handed to the screen.
An idle board repaints the clock once a minute and, while a notice has marquee lines,
the marquee band at the theme's frame rate; nothing else.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Hashable, Iterator

import pygame

from config.settings import Config
from config.theme import Theme
from display.canvas import Canvas, Fill, Placed
from display.closed import ClosedCard, ThankYou, WeekHours
from display.footer import Footer
from display.layout import Layout, board_layout
from display.notices import Marquee, Pages
from display.regions import Frame, Header, Hero, Recent, Region, paint_regions
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import BoardCall
from lobby.day import CLOSED

__all__ = ["BoardPainter", "Frame"]


class BoardPainter:
    """Paints the board for one screen size; remembers what each region shows."""

    def __init__(
        self, config: Config, text: TextCache, size: tuple[int, int], theme: Theme | None = None
    ) -> None:
        self._config = config
        self._theme = theme or config.display.theme
        self._size = size
        self._canvas = Canvas(text, self._theme.colours)
        self._canvas.use_background(self._theme.background_image, size)
        self._shape: tuple[bool, bool, bool] | None = None
        self._keys: dict[str, Hashable] = {}
        self.layout: Layout = board_layout(*size, self._theme.proportions)
        self.regions: list[Region] = []
        self._arrange(False, False, False)

    @property
    def drawn(self) -> dict[str, list[tuple[str, pygame.Rect]]]:
        """The strings each region shows and where: for tests, previews and support."""
        return self._canvas.drawn

    @property
    def placed(self) -> dict[str, list[Placed]]:
        """What each region drew, where, and the box it was given."""
        return self._canvas.placed

    @property
    def fills(self) -> dict[str, list[Fill]]:
        """The plain areas each region painted (its backdrop, cards, stripes)."""
        return self._canvas.fills

    def _arrange(self, marquee: bool, pages: bool, closed: bool) -> None:
        """Lay the board out for whether a marquee and pages are showing, and whether the
        lobby is closed (the closed page takes the places of the calls and the counts)."""
        self._shape = (marquee, pages, closed)
        self.layout = board_layout(*self._size, self._theme.proportions, marquee, pages)
        unit = self.layout.unit
        config, theme = self._config, self._theme
        self.regions = (
            [
                Header(config, theme, unit),
                ClosedCard(config, theme, unit),
                WeekHours(config, theme, unit),
                ThankYou(config, theme, unit),
            ]
            if closed
            else [
                Header(config, theme, unit),
                Hero(config, theme, unit),
                Recent(config, theme, unit, self.layout.recent),
                Footer(config, theme, unit),
            ]
        )
        if self.layout.pages is not None:
            self.regions.append(Pages(config, theme, unit))
        if self.layout.marquee is not None:
            self.regions.append(Marquee(config, theme, unit, self.layout.marquee))
        self._keys.clear()
        self._canvas.forget()

    def warming(self) -> Iterator[None]:
        """Draw, onto nothing, what a call shows in the hero and the recent list, for every
        shape the board can take (with and without a marquee and pages), so the first call
        after start appears as fast as the rest. One slice per step (a hero, a list), so
        the loop can show a call that comes meanwhile after one slice at most."""
        done: set[tuple[str, tuple[int, int]]] = set()
        for marquee, pages in itertools.product((False, True), repeat=2):
            layout = board_layout(*self._size, self._theme.proportions, marquee, pages)
            unit = layout.unit
            for region in (
                Hero(self._config, self._theme, unit),
                Recent(self._config, self._theme, unit, layout.recent),
            ):
                rect: pygame.Rect = getattr(layout, region.name)
                if (region.name, rect.size) in done:
                    continue
                done.add((region.name, rect.size))
                self._canvas.forget_rehearsal()
                for _ in region.warm(self._canvas, rect, self._canvas.rehearse):
                    yield
        self._canvas.forget_rehearsal()

    def warm(self) -> float:
        """All of ``warming`` at once; the seconds it took."""
        started = time.perf_counter()
        for _ in self.warming():
            pass
        return time.perf_counter() - started

    def invalidate(self) -> None:
        """Forget what was painted: the next paint redraws everything."""
        self._keys.clear()

    def paint(self, surface: pygame.Surface, frame: Frame) -> list[pygame.Rect]:
        """Repaint the regions whose content changed; return their rectangles."""
        closed = frame.day.phase == CLOSED
        shape = (bool(frame.notice.marquee), bool(frame.notice.pages), closed)
        if shape != self._shape:
            self._arrange(*shape)
        return paint_regions(self.regions, self.layout, self._keys, self._canvas, surface, frame)

    def next_change(self, frame: Frame) -> float:
        """When some region next changes by itself (monotonic seconds), or ``inf``."""
        return min((region.next_change(frame) for region in self.regions), default=math.inf)

    def visible_calls(self, state: BoardState) -> tuple[BoardCall, ...]:
        """The calls on screen: the newest and as many recent as fit (the closed page
        shows the newest only)."""
        recent = next((r for r in self.regions if isinstance(r, Recent)), None)
        return state.calls[: 1 + (recent.rows if recent is not None else 0)]
