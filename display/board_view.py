"""The painter of the lobby board: draws only the regions whose content changed.

Each region has a *key*: the values it shows. A region is repainted when its key differs
from the one it was last painted with, and only its rectangle is handed to the screen.
An idle board (nothing but the clock's minute) repaints one small region a minute.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

import pygame

from config.settings import Config
from display.layout import Layout, board_layout
from display.text import TextCache
from display.theme import Colour, Theme
from lobby.board import BoardState
from lobby.contract import BoardCall

ZH_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

WORDS: dict[str, dict[str, str]] = {
    "now_calling": {"zh": "正在叫号", "en": "Now calling"},
    "go_to": {"zh": "请到 {counter}", "en": "Please go to {counter}"},
    "welcome": {"zh": "欢迎光临", "en": "Welcome"},
    "take_ticket": {"zh": "请取号，留意叫号屏", "en": "Please take a ticket and watch this screen"},
    "recent": {"zh": "最近叫号", "en": "Recent calls"},
    "waiting": {"zh": "等候人数", "en": "Waiting"},
    "reconnecting": {"zh": "正在重新连接…", "en": "Reconnecting…"},
}


@dataclass(frozen=True)
class Frame:
    """Everything one frame shows; the painter reads nothing else."""

    state: BoardState
    now: float
    """Monotonic seconds, for the flash."""
    wall: datetime
    """Local wall-clock time, for the clock."""
    link_up: bool = True


def words(key: str, languages: tuple[str, ...], **values: str) -> list[str]:
    """A fixed phrase in each configured language that has it, in the configured order."""
    table = WORDS[key]
    return [table[lang].format(**values) for lang in languages if lang in table]


def date_text(wall: datetime, language: str) -> str:
    if language == "zh":
        return f"{wall.month}月{wall.day}日 {ZH_WEEKDAYS[wall.weekday()]}"
    return f"{EN_WEEKDAYS[wall.weekday()]} {wall.day} {EN_MONTHS[wall.month - 1]}"


class BoardPainter:
    """Paints the board for one screen size; remembers what each region shows."""

    REGIONS = ("header", "hero", "recent", "footer")

    def __init__(
        self, config: Config, text: TextCache, theme: Theme, size: tuple[int, int]
    ) -> None:
        self._config = config
        self._text = text
        self._theme = theme
        self._langs = config.languages
        self.layout: Layout = board_layout(*size)
        self._keys: dict[str, Hashable] = {}
        self.drawn: dict[str, list[tuple[str, pygame.Rect]]] = {r: [] for r in self.REGIONS}
        """The strings each region shows and where: for tests, previews and support."""

    def invalidate(self) -> None:
        """Forget what was painted: the next paint redraws everything."""
        self._keys.clear()

    def paint(self, surface: pygame.Surface, frame: Frame) -> list[pygame.Rect]:
        """Repaint the regions whose content changed; return their rectangles."""
        dirty: list[pygame.Rect] = []
        for region in self.REGIONS:
            key = getattr(self, f"_key_{region}")(frame)
            if self._keys.get(region) == key:
                continue
            self._keys[region] = key
            rect: pygame.Rect = getattr(self.layout, region)
            self.drawn[region] = []
            surface.set_clip(rect)
            getattr(self, f"_paint_{region}")(surface, rect, frame)
            surface.set_clip(None)
            dirty.append(rect)
        return dirty

    def visible_calls(self, state: BoardState) -> tuple[BoardCall, ...]:
        """The calls on screen: the newest and as many recent as fit."""
        return state.calls[: 1 + self._recent_rows()]

    # Drawing helpers

    def _put(
        self,
        surface: pygame.Surface,
        region: str,
        text: str,
        box: pygame.Rect,
        size: int,
        colour: Colour,
        bold: bool = False,
        align: str = "left",
    ) -> pygame.Rect:
        """Fit text into a box (shrink, then ellipsise), centred vertically; return its rect."""
        if not text:
            return pygame.Rect(box.x, box.y, 0, 0)
        text, size = self._text.fit(text, size, box.width, bold, min_size=max(10, size // 3))
        image = self._text.render(text, size, colour, bold)
        rect = image.get_rect()
        rect.centery = box.centery
        if align == "center":
            rect.centerx = box.centerx
        elif align == "right":
            rect.right = box.right
        else:
            rect.left = box.left
        surface.blit(image, rect)
        self.drawn[region].append((text, rect))
        return rect

    def _counter_label(self, counter_id: str, language: str) -> str:
        return self._config.counter(counter_id).label(language)

    # Header: site name, clock, date

    def _key_header(self, frame: Frame) -> Hashable:
        return (frame.wall.strftime("%H:%M"), frame.wall.date())

    def _paint_header(self, surface: pygame.Surface, rect: pygame.Rect, frame: Frame) -> None:
        t = self._theme
        surface.fill(t.header_bg, rect)
        pad = rect.height // 6
        inner = rect.inflate(-2 * pad, -pad)
        clock_w = inner.width // 3
        names = [self._config.site_name.get(lang) for lang in self._langs]
        names = [n for n in names if n] or [self._config.site]
        left = pygame.Rect(inner.x, inner.y, inner.width - clock_w, inner.height)
        if len(names) > 1:
            top, bottom = _split(left, 0.6)
            self._put(surface, "header", names[0], top, int(top.height * 0.8), t.header_fg, True)
            self._put(
                surface, "header", names[1], bottom, int(bottom.height * 0.75), t.header_sub_fg
            )
        else:
            self._put(surface, "header", names[0], left, int(left.height * 0.6), t.header_fg, True)
        right = pygame.Rect(inner.right - clock_w, inner.y, clock_w, inner.height)
        clock_box = pygame.Rect(right.x, right.y, right.width // 2 - pad // 2, right.height)
        date_box = pygame.Rect(
            clock_box.right + pad, right.y, right.right - clock_box.right - pad, right.height
        )
        self._put(
            surface,
            "header",
            frame.wall.strftime("%H:%M"),
            clock_box,
            int(right.height * 0.8),
            t.header_fg,
            True,
            "right",
        )
        dates = [date_text(frame.wall, lang) for lang in self._langs[:2]]
        rows = _rows(date_box, len(dates))
        for line, box in zip(dates, rows, strict=True):
            self._put(surface, "header", line, box, int(box.height * 0.7), t.header_sub_fg)

    # Hero: the newest call, large, flashing

    def _key_hero(self, frame: Frame) -> Hashable:
        newest = frame.state.newest
        bright = frame.state.flash_bright(frame.now)
        return (newest.id if newest else None, bright, frame.state.is_flashing(frame.now))

    def _paint_hero(self, surface: pygame.Surface, rect: pygame.Rect, frame: Frame) -> None:
        t = self._theme
        surface.fill(t.background, rect)
        margin = self.layout.unit
        card = rect.inflate(-2 * margin, -2 * margin)
        bright = frame.state.flash_bright(frame.now)
        pygame.draw.rect(
            surface, t.hero_flash_bg if bright else t.hero_bg, card, border_radius=margin
        )
        inner = card.inflate(-2 * margin, -margin)
        newest = frame.state.newest
        label_box, ticket_box, dest_box = _split3(inner, 0.16, 0.56)
        fg = t.ticket_flash_fg if bright else t.hero_text_fg
        if newest is None:
            self._put(
                surface,
                "hero",
                "  ".join(words("welcome", self._langs)),
                label_box,
                int(label_box.height * 0.6),
                fg,
                align="center",
            )
            lines = words("take_ticket", self._langs)
            for line, box in zip(
                lines, _rows(pygame.Rect(ticket_box.unionall([dest_box])), len(lines)), strict=True
            ):
                self._put(surface, "hero", line, box, int(box.height * 0.4), fg, True, "center")
            return
        self._put(
            surface,
            "hero",
            "  ".join(words("now_calling", self._langs)),
            label_box,
            int(label_box.height * 0.6),
            fg,
            align="center",
        )
        self._put(
            surface,
            "hero",
            newest.ticket,
            ticket_box,
            int(ticket_box.height * 1.05),
            t.ticket_flash_fg if bright else t.ticket_fg,
            True,
            "center",
        )
        lines = [
            line
            for lang in self._langs
            for line in words("go_to", (lang,), counter=self._counter_label(newest.counter, lang))
        ]
        for line, box in zip(lines, _rows(dest_box, len(lines)), strict=True):
            self._put(surface, "hero", line, box, int(box.height * 0.75), fg, True, "center")

    # Recent calls

    def _recent_rows(self) -> int:
        rect = self.layout.recent
        fit = max(1, int((rect.height - 2 * self.layout.unit) / (self.layout.unit * 3.2)) - 1)
        return min(self._config.display.recent, fit)

    def _key_recent(self, frame: Frame) -> Hashable:
        shown = frame.state.calls[1 : 1 + self._recent_rows()]
        return tuple((c.id, c.ticket, c.counter) for c in shown)

    def _paint_recent(self, surface: pygame.Surface, rect: pygame.Rect, frame: Frame) -> None:
        t = self._theme
        surface.fill(t.panel_bg, rect)
        margin = self.layout.unit
        inner = rect.inflate(-2 * margin, -2 * margin)
        rows = self._recent_rows()
        boxes = _rows(inner, rows + 1)
        self._put(
            surface,
            "recent",
            "  ".join(words("recent", self._langs)),
            boxes[0],
            int(boxes[0].height * 0.5),
            t.panel_title_fg,
            True,
        )
        shown = frame.state.calls[1 : 1 + rows]
        for i, (call, box) in enumerate(zip(shown, boxes[1:], strict=False)):
            if i % 2 == 0:
                pygame.draw.rect(surface, t.row_alt_bg, box, border_radius=margin // 2)
            row = box.inflate(-margin, 0)
            ticket_box, counter_box = _split_h(row, 0.36)
            self._put(
                surface,
                "recent",
                call.ticket,
                ticket_box,
                int(box.height * 0.7),
                t.row_ticket_fg,
                True,
            )
            label = " ".join(
                dict.fromkeys(self._counter_label(call.counter, lang) for lang in self._langs[:1])
            )
            self._put(surface, "recent", label, counter_box, int(box.height * 0.55), t.row_text_fg)

    # Footer: waiting per service, link badge

    def _key_footer(self, frame: Frame) -> Hashable:
        return (tuple(sorted(frame.state.waiting.items())), frame.state.seq is None, frame.link_up)

    def _paint_footer(self, surface: pygame.Surface, rect: pygame.Rect, frame: Frame) -> None:
        t = self._theme
        surface.fill(t.footer_bg, rect)
        margin = self.layout.unit
        inner = rect.inflate(-2 * margin, -margin)
        label_box, chips_box = _split_h(inner, 0.14)
        labels = words("waiting", self._langs)
        for line, box in zip(labels, _rows(label_box, len(labels)), strict=True):
            self._put(surface, "footer", line, box, int(box.height * 0.6), t.footer_fg, True)
        badge_w = 0 if frame.link_up else chips_box.width // 5
        chips_area = pygame.Rect(
            chips_box.x, chips_box.y, chips_box.width - badge_w, chips_box.height
        )
        services = self._config.services
        known = frame.state.seq is not None
        for service, chip in zip(services, _cols(chips_area, max(1, len(services))), strict=False):
            chip = chip.inflate(-margin // 2, -margin // 3)
            pygame.draw.rect(surface, t.hero_bg, chip, border_radius=margin // 2)
            names_box, count_box = _split_h(chip.inflate(-margin, 0), 0.72)
            names = [service.name.get(lang) for lang in self._langs]
            names = [n for n in names if n] or [service.id]
            for line, box in zip(names, _rows(names_box, len(names)), strict=True):
                self._put(surface, "footer", line, box, int(box.height * 0.6), t.footer_fg)
            count = str(frame.state.waiting.get(service.id, 0)) if known else "–"
            self._put(
                surface,
                "footer",
                count,
                count_box,
                int(count_box.height * 0.8),
                t.count_fg,
                True,
                "right",
            )
        if not frame.link_up:
            badge = pygame.Rect(chips_box.right - badge_w, chips_box.y, badge_w, chips_box.height)
            badge = badge.inflate(-margin // 2, -margin // 2)
            pygame.draw.rect(surface, t.badge_bg, badge, border_radius=margin // 2)
            lines = words("reconnecting", self._langs)
            for line, box in zip(lines, _rows(badge.inflate(-margin, 0), len(lines)), strict=True):
                self._put(surface, "footer", line, box, int(box.height * 0.55), t.badge_fg)


def _rows(rect: pygame.Rect, count: int) -> list[pygame.Rect]:
    """Split a box into ``count`` equal rows."""
    height = rect.height / max(1, count)
    return [
        pygame.Rect(rect.x, round(rect.y + i * height), rect.width, round(height))
        for i in range(count)
    ]


def _cols(rect: pygame.Rect, count: int) -> list[pygame.Rect]:
    """Split a box into ``count`` equal columns."""
    width = rect.width / max(1, count)
    return [
        pygame.Rect(round(rect.x + i * width), rect.y, round(width), rect.height)
        for i in range(count)
    ]


def _split(rect: pygame.Rect, fraction: float) -> tuple[pygame.Rect, pygame.Rect]:
    """Top and bottom parts of a box, the top taking ``fraction`` of its height."""
    top_h = round(rect.height * fraction)
    return (
        pygame.Rect(rect.x, rect.y, rect.width, top_h),
        pygame.Rect(rect.x, rect.y + top_h, rect.width, rect.height - top_h),
    )


def _split3(rect: pygame.Rect, a: float, b: float) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect]:
    """Three stacked parts; the first two take fractions ``a`` and ``b`` of the height."""
    first, rest = _split(rect, a)
    second, third = _split(rest, b / (1 - a))
    return first, second, third


def _split_h(rect: pygame.Rect, fraction: float) -> tuple[pygame.Rect, pygame.Rect]:
    """Left and right parts of a box, the left taking ``fraction`` of its width."""
    left_w = round(rect.width * fraction)
    return (
        pygame.Rect(rect.x, rect.y, left_w, rect.height),
        pygame.Rect(rect.x + left_w, rect.y, rect.width - left_w, rect.height),
    )
