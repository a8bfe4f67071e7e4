"""The board's regions. Each says what it shows (its key), paints it, and says when it next
changes by itself, so the painter redraws only what changed and the loop sleeps between."""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

import pygame

from config.settings import Config
from config.theme import Theme
from display.canvas import Canvas, cols, rows, split, split_h
from display.words import date_text, words
from lobby.board import BoardState
from lobby.contract import Notice
from lobby.notices import page_at

NO_NOTICE = Notice()


@dataclass(frozen=True)
class Frame:
    """Everything one frame shows; the painter reads nothing else."""

    state: BoardState
    now: float
    """Monotonic seconds: the flash, the marquee, the pages."""
    wall: datetime
    """Local wall-clock time, for the clock."""
    link_up: bool = True
    notice: Notice = NO_NOTICE


class Region:
    """One part of the board."""

    name = ""

    def __init__(self, config: Config, theme: Theme, unit: int) -> None:
        self.config = config
        self.theme = theme
        self.langs = config.languages
        self.unit = unit

    def key(self, frame: Frame) -> Hashable:
        raise NotImplementedError

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        raise NotImplementedError

    def next_change(self, frame: Frame) -> float:
        return math.inf

    def counter_label(self, counter_id: str, language: str) -> str:
        return self.config.counter(counter_id).label(language)


class Header(Region):
    """The branch's logo and name, the clock and the date."""

    name = "header"

    def __init__(self, config: Config, theme: Theme, unit: int) -> None:
        super().__init__(config, theme, unit)
        self._logo = pygame.image.load(str(theme.logo)) if theme.logo else None

    def key(self, frame: Frame) -> Hashable:
        return (frame.wall.strftime("%H:%M"), frame.wall.date())

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.fill(rect, c.header_bg)
        pad = rect.height // 6
        inner = rect.inflate(-2 * pad, -pad)
        clock_w = inner.width // 3 if rect.width > rect.height else inner.width * 2 // 5
        left = pygame.Rect(inner.x, inner.y, inner.width - clock_w - pad, inner.height)
        if self._logo is not None:
            logo = canvas.image(
                self._logo, pygame.Rect(left.x, left.y, left.height * 3, left.height), "logo"
            )
            left = pygame.Rect(logo.right + pad, left.y, left.right - logo.right - pad, left.height)
        names = [n for n in (self.config.site_name.get(lang) for lang in self.langs) if n]
        names = names or [self.config.site]
        if len(names) > 1:
            top, bottom = split(left, 0.58)
            canvas.put(names[0], top, int(top.height * 0.85), c.header_fg, True)
            canvas.put(names[1], bottom, int(bottom.height * 0.8), c.header_sub_fg)
        else:
            canvas.put(names[0], left, int(left.height * 0.6), c.header_fg, True)
        right = pygame.Rect(inner.right - clock_w, inner.y, clock_w, inner.height)
        clock_box, date_box = split_h(right, 0.5)
        canvas.put(
            frame.wall.strftime("%H:%M"),
            clock_box.inflate(-pad // 2, 0),
            int(right.height * 0.8),
            c.header_fg,
            True,
            "right",
        )
        dates = [date_text(frame.wall, lang) for lang in self.langs[:2]]
        date_box = pygame.Rect(
            date_box.x + pad // 2, date_box.y, date_box.width - pad // 2, date_box.height
        )
        boxes = rows(date_box, len(dates))
        size = canvas.text.fit_size(dates, int(boxes[0].height * 0.7), date_box.width)
        for line, box in zip(dates, boxes, strict=True):
            canvas.put(line, box, size, c.header_sub_fg, exact=True)


class Hero(Region):
    """The newest call, large; flashing for the configured time after it comes."""

    name = "hero"

    def key(self, frame: Frame) -> Hashable:
        newest = frame.state.newest
        return (newest.id if newest else None, frame.state.flash_bright(frame.now))

    def next_change(self, frame: Frame) -> float:
        return frame.state.next_change(frame.now)

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.clear(rect, c.background)
        card = rect.inflate(-2 * self.unit, -2 * self.unit)
        bright = frame.state.flash_bright(frame.now)
        canvas.fill(card, c.hero_flash_bg if bright else c.hero_bg, radius=self.unit)
        inner = card.inflate(-2 * self.unit, -self.unit)
        label_box, rest = split(inner, 0.16)
        ticket_box, dest_box = split(rest, 0.56 / 0.84)
        fg = c.ticket_flash_fg if bright else c.hero_text_fg
        newest = frame.state.newest
        if newest is None:
            canvas.put(
                "  ".join(words("welcome", self.langs)),
                label_box,
                int(label_box.height * 0.6),
                fg,
                align="center",
            )
            lines = words("take_ticket", self.langs)
            for line, box in zip(lines, rows(rest, len(lines)), strict=True):
                canvas.put(line, box, int(box.height * 0.4), fg, True, "center")
            return
        label = "recalling" if newest.kind == "recall" else "now_calling"
        canvas.put(
            "  ".join(words(label, self.langs)),
            label_box,
            int(label_box.height * 0.6),
            fg,
            align="center",
        )
        size = int(ticket_box.height * 1.05 * self.theme.ticket_scale)
        canvas.put(
            newest.ticket,
            ticket_box,
            size,
            c.ticket_flash_fg if bright else c.ticket_fg,
            True,
            "center",
        )
        lines = [
            line
            for lang in self.langs
            for line in words("go_to", (lang,), counter=self.counter_label(newest.counter, lang))
        ]
        boxes = rows(dest_box, len(lines))
        size = canvas.text.fit_size(lines, int(boxes[0].height * 0.75), dest_box.width, True)
        for line, box in zip(lines, boxes, strict=True):
            canvas.put(line, box, size, fg, True, "center", exact=True)


class Recent(Region):
    """The calls before the newest, with their counters' names."""

    name = "recent"

    def __init__(self, config: Config, theme: Theme, unit: int, rect: pygame.Rect) -> None:
        super().__init__(config, theme, unit)
        fit = max(1, int((rect.height - 2 * unit) / (unit * 3.2)) - 1)
        self.rows = min(config.display.recent, fit)

    def key(self, frame: Frame) -> Hashable:
        shown = frame.state.calls[1 : 1 + self.rows]
        return tuple((c.id, c.ticket, c.counter) for c in shown)

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.clear(rect, c.panel_bg)
        inner = rect.inflate(-2 * self.unit, -2 * self.unit)
        boxes = rows(inner, self.rows + 1)
        canvas.put(
            "  ".join(words("recent", self.langs)),
            boxes[0],
            int(boxes[0].height * 0.5),
            c.panel_title_fg,
            True,
        )
        shown = frame.state.calls[1 : 1 + self.rows]
        labels = [self.counter_label(call.counter, self.langs[0]) for call in shown]
        for i, (call, label, box) in enumerate(zip(shown, labels, boxes[1:], strict=False)):
            if i % 2 == 0:
                canvas.fill(box, c.row_alt_bg, radius=self.unit // 2)
            ticket_box, counter_box = split_h(box.inflate(-self.unit, 0), 0.36)
            canvas.put(call.ticket, ticket_box, int(box.height * 0.7), c.row_ticket_fg, True)
            canvas.put(label, counter_box, int(box.height * 0.55), c.row_text_fg)


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
        """Bulleted lines, wrapped, at the largest size at which they all fit the body."""
        size = max(12, body.height // 5)
        while True:
            wrapped = [
                (i, part)
                for i, line in enumerate(lines)
                for part in canvas.text.wrap(line, size, body.width - size)
            ]
            if len(wrapped) * size * 1.35 <= body.height or size <= 12:
                break
            size = max(12, int(size * 0.9))
        height = round(size * 1.35)
        y = body.y
        previous = -1
        for line_no, part in wrapped:
            if y + height > body.bottom:
                break
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
            y += height


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
        strip = canvas.text.render(text, self._size, c.marquee_fg, background=c.marquee_bg)
        period = strip.get_width()  # the text ends with a gap, so copies can follow each other
        x = rect.left + self.unit - int(frame.now * self._speed) % max(1, period)
        y = rect.centery - strip.get_height() // 2
        canvas.drawn["marquee"].append(
            (text, rect.clip(pygame.Rect(x, y, period, strip.get_height())))
        )
        while x < rect.right:
            canvas.target.blit(strip, (x, y))
            x += period


class Footer(Region):
    """People waiting per service, and a polite badge while the broker is away."""

    name = "footer"

    def key(self, frame: Frame) -> Hashable:
        return (tuple(sorted(frame.state.waiting.items())), frame.state.seq is None, frame.link_up)

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.fill(rect, c.footer_bg)
        unit = self.unit
        inner = rect.inflate(-2 * unit, -unit)
        label_box, chips_box = split_h(inner, 0.14 if rect.width > rect.height else 0.18)
        labels = words("waiting", self.langs)
        boxes = rows(label_box, len(labels))
        size = canvas.text.fit_size(labels, int(boxes[0].height * 0.6), label_box.width, True)
        for line, box in zip(labels, boxes, strict=True):
            canvas.put(line, box, size, c.footer_fg, True, exact=True)
        badge_w = 0 if frame.link_up else chips_box.width // 5
        area = pygame.Rect(chips_box.x, chips_box.y, chips_box.width - badge_w, chips_box.height)
        self._chips(canvas, area, frame)
        if not frame.link_up:
            badge = pygame.Rect(area.right, area.y, badge_w, area.height).inflate(
                -unit // 2, -unit // 2
            )
            canvas.fill(badge, c.badge_bg, radius=unit // 2)
            lines = words("reconnecting", self.langs)
            boxes = rows(badge.inflate(-unit, 0), len(lines))
            size = canvas.text.fit_size(lines, int(boxes[0].height * 0.55), boxes[0].width)
            for line, box in zip(lines, boxes, strict=True):
                canvas.put(line, box, size, c.badge_fg, exact=True)

    def _chips(self, canvas: Canvas, area: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        services = self.config.services
        if not services:
            return
        per_row = len(services) if area.width > area.height * 6 else min(3, len(services))
        lines = math.ceil(len(services) / per_row)
        chips = [chip for row in rows(area, lines) for chip in cols(row, per_row)]
        known = frame.state.seq is not None
        boxes = []
        for chip in chips[: len(services)]:
            chip = chip.inflate(-self.unit // 2, -self.unit // 3)
            canvas.fill(chip, c.chip_bg, radius=self.unit // 2)
            boxes.append(split_h(chip.inflate(-self.unit, 0), 0.72))
        names = [
            [n for n in (s.name.get(lang) for lang in self.langs) if n] or [s.id] for s in services
        ]
        depth = max(len(n) for n in names)
        name_h = boxes[0][0].height / depth
        size = canvas.text.fit_size(
            [n for group in names for n in group], int(name_h * 0.6), boxes[0][0].width
        )
        for service, group, (names_box, count_box) in zip(services, names, boxes, strict=True):
            for line, box in zip(group, rows(names_box, len(group)), strict=True):
                canvas.put(line, box, size, c.footer_fg, exact=True)
            count = str(frame.state.waiting.get(service.id, 0)) if known else "–"
            canvas.put(count, count_box, int(count_box.height * 0.8), c.count_fg, True, "right")
