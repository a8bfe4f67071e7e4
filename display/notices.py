"""The notice's regions: the information pages and the marquee, shown while a notice has
them (the branch's notices, identical on every screen of the region)."""

from __future__ import annotations

import math
from collections.abc import Hashable

import pygame

from config.settings import Config
from config.theme import Theme
from display.canvas import MARGIN, Canvas, split, split_h
from display.regions import Frame, Region
from display.text import ELLIPSIS
from lobby.notices import page_at

LINE_SPACING = 1.35
"""A page's line height, as a multiple of its text's size."""


class Pages(Region):
    """Information pages from the notice (documents a claim needs, …), one at a time."""

    name = "pages"

    def key(self, frame: Frame) -> Hashable:
        index, _ = page_at(frame.notice.pages, frame.now, self.theme.page_seconds)
        return (frame.notice.pages, index)

    def next_change(self, frame: Frame) -> float:
        return page_at(frame.notice.pages, frame.now, self.theme.page_seconds)[1]

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.clear(rect, c.panel_bg)
        pages = frame.notice.pages
        index, _ = page_at(pages, frame.now, self.theme.page_seconds)
        if index < 0:
            return
        card = pygame.Rect(
            rect.x + self.unit, rect.y, rect.width - 2 * self.unit, rect.height - self.unit
        )
        canvas.fill(card, c.page_bg, radius=self.unit // 2)
        inner = card.inflate(-2 * self.unit, -self.unit)
        title_box, body = split(inner, 0.2)
        page = pages[index]
        counter = f"{index + 1}/{len(pages)}" if len(pages) > 1 else ""
        title_area, count_box = split_h(title_box, 0.85 if counter else 1.0)
        canvas.put(page.title, title_area, int(title_box.height * 0.6), c.page_title_fg, True)
        canvas.put(counter, count_box, int(title_box.height * 0.45), c.page_text_fg, align="right")
        self._paint_lines(canvas, body, page.lines)

    def _paint_lines(self, canvas: Canvas, body: pygame.Rect, lines: tuple[str, ...]) -> None:
        """Bulleted lines, wrapped, at the largest size (down to 12 px, or what one line of
        the body allows) at which they all fit; what still does not fit ends in "…"."""
        floor = max(1, min(12, int(body.height / LINE_SPACING)))
        size = max(floor, body.height // 5)
        while True:
            wrapped = [
                (i, part)
                for i, line in enumerate(lines)
                for part in canvas.text.wrap(line, size, body.width - size - 2 * MARGIN)
            ]
            if len(wrapped) * size * LINE_SPACING <= body.height or size <= floor:
                break
            size = max(floor, int(size * 0.9))
        height = round(size * LINE_SPACING)
        room = body.height // max(1, height)
        if len(wrapped) > room > 0:
            line_no, part = wrapped[room - 1]
            wrapped[room - 1] = (line_no, part + ELLIPSIS)
        previous = -1
        for row, (line_no, part) in enumerate(wrapped[:room]):
            y = body.y + row * height
            box = pygame.Rect(body.x + size, y, body.width - size, height)
            if line_no != previous:
                canvas.put(
                    "•",
                    pygame.Rect(body.x, y, size, height),
                    size,
                    canvas.colours.page_title_fg,
                    exact=True,
                )
            canvas.put(part, box, size, canvas.colours.page_text_fg, exact=True)
            previous = line_no


class Marquee(Region):
    """The notice's marquee lines, scrolling right to left, smoothly but cheaply."""

    name = "marquee"
    GAP = "　　◆　　"

    def __init__(self, config: Config, theme: Theme, unit: int, rect: pygame.Rect) -> None:
        super().__init__(config, theme, unit)
        self._speed = theme.marquee_speed * rect.width  # pixels per second
        self._size = int(rect.height * 0.55)

    def _text(self, frame: Frame) -> str:
        return self.GAP.join(frame.notice.marquee) + self.GAP if frame.notice.marquee else ""

    def key(self, frame: Frame) -> Hashable:
        return (self._text(frame), int(frame.now * self.theme.marquee_fps))

    def next_change(self, frame: Frame) -> float:
        if not frame.notice.marquee:
            return math.inf
        fps = self.theme.marquee_fps
        return (math.floor(frame.now * fps) + 1) / fps

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.fill(rect, c.marquee_bg)
        text = self._text(frame)
        if not text:
            return
        _, size = canvas.text.fit(text, self._size, 1 << 30, False, 1, rect.height - 2 * MARGIN)
        strip = canvas.text.render(text, size, c.marquee_fg, background=c.marquee_bg)
        period = strip.get_width()  # the text ends with a gap, so copies can follow each other
        x = rect.left + self.unit - int(frame.now * self._speed) % max(1, period)
        y = rect.centery - strip.get_height() // 2
        band = pygame.Rect(x, y, rect.right - x, strip.get_height())  # every copy shown
        canvas.note(text, rect.clip(band), rect)
        while x < rect.right:
            canvas.target.blit(strip, (x, y))
            x += period
