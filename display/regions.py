"""The board's regions. Each says what it shows (its key), paints it, and says when it next
changes by itself, so the painter redraws only what changed and the loop sleeps between."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import pygame

from config.settings import Config, Counter
from config.theme import Theme
from display.canvas import MARGIN, Canvas, rows, split, split_h
from display.words import date_text, words
from lobby.board import BoardState
from lobby.contract import BoardCall, Notice
from lobby.counter_page import CounterLook
from lobby.day import OPEN, DayView

NO_NOTICE = Notice()
AREA_SEPARATOR = " · "
OPEN_DAY = DayView(OPEN)
WARM_TS = datetime(2000, 1, 1).astimezone()


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
    day: DayView = OPEN_DAY
    """Open (the board), closing (the board: the last customers are called) or closed
    (the closed page, display/closed.py)."""
    counter: CounterLook | None = None
    """What a counter's page shows (``layout = "counter"``); the board ignores it."""


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

    def warm(
        self, canvas: Canvas, rect: pygame.Rect, rehearse: Callable[[], None]
    ) -> Iterator[None]:
        """Draw, onto nothing, what a call would otherwise wait for: a slice at a time,
        each after ``rehearse()`` (the canvas may have painted a frame in between)."""
        return iter(())

    def sample_calls(self) -> list[BoardCall]:
        """A call to each counter, its ticket numbered as the engine numbers tickets of the
        counter's first service."""
        prefixes = {s.id: s.prefix for s in self.config.services}
        digits = "0" * self.config.queue.number_width
        calls = []
        for counter in self.config.counters or (Counter("1", ()),):
            service = counter.services[0] if counter.services else ""
            ticket = prefixes.get(service, "") + digits
            calls.append(BoardCall(f"warm-{counter.id}", ticket, counter.id, service, WARM_TS))
        return calls

    def warm_digits(self, canvas: Canvas, calls: list[BoardCall]) -> None:
        """Every prefix's letters and the ten digits at each size the sample tickets took."""
        tickets = {call.ticket for call in calls}
        sizes = {p.size for p in canvas.placed[canvas.region] if p.text in tickets}
        letters = "".join(sorted({s.prefix for s in self.config.services}))
        for size in sizes:
            canvas.text.warm(letters + "0123456789", size, True)

    def counter_label(self, counter_id: str, language: str) -> str:
        return self.config.counter(counter_id).label(language)


class Header(Region):
    """The branch's logo and name, the clock and the date."""

    name = "header"

    def __init__(self, config: Config, theme: Theme, unit: int) -> None:
        super().__init__(config, theme, unit)
        self._logo = pygame.image.load(str(theme.logo)) if theme.logo else None

    def titles(self) -> list[str]:
        """The branch's name per language, with the part of the hall a board shows
        ("客户服务中心 · 贵宾室") when the config names one."""
        titles = []
        for lang in self.langs:
            parts = (self.config.site_name.get(lang), self.config.display.area.get(lang))
            if title := AREA_SEPARATOR.join(part for part in parts if part):
                titles.append(title)
        return titles or [self.config.site]

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
        names = self.titles()
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
            whole=True,
        )
        dates = [date_text(frame.wall, lang) for lang in self.langs[:2]]
        date_box = pygame.Rect(
            date_box.x + pad // 2, date_box.y, date_box.width - pad // 2, date_box.height
        )
        boxes = rows(date_box, len(dates))
        size = canvas.common_size(dates, boxes[0], int(boxes[0].height * 0.7))
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
        self._draw(canvas, rect, frame.state.newest, frame.state.flash_bright(frame.now))

    def warm(
        self, canvas: Canvas, rect: pygame.Rect, rehearse: Callable[[], None]
    ) -> Iterator[None]:
        """The labels, every counter's "go to" lines in the flash's colours and the steady
        ones, and each prefix's ticket letters and all ten digits at the ticket's size: the
        first call after start then costs what the others do (FreeType rasterises a glyph
        the first time it is drawn at a size, and the ticket's size is large)."""
        calls = self.sample_calls()
        for bright in (True, False):
            for call in [*calls, dataclasses.replace(calls[0], kind="recall")]:
                rehearse()
                self._draw(canvas, rect, call, bright)
                yield
        rehearse()
        self.warm_digits(canvas, calls)

    def _draw(
        self, canvas: Canvas, rect: pygame.Rect, newest: BoardCall | None, bright: bool
    ) -> None:
        c = canvas.colours
        canvas.clear(rect, c.background)
        card = rect.inflate(-2 * self.unit, -2 * self.unit)
        canvas.fill(card, c.hero_flash_bg if bright else c.hero_bg, radius=self.unit)
        inner = card.inflate(-2 * self.unit, -self.unit)
        label_box, rest = split(inner, 0.16)
        ticket_box, dest_box = split(rest, 0.56 / 0.84)
        fg = c.ticket_flash_fg if bright else c.hero_text_fg
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
            whole=True,
        )
        lines = [
            line
            for lang in self.langs
            for line in words("go_to", (lang,), counter=self.counter_label(newest.counter, lang))
        ]
        boxes = rows(dest_box, len(lines))
        most = int(boxes[0].height * 0.75)
        size = canvas.common_size(lines, boxes[0], most, True, max(12, most * 2 // 5))
        for line, box in zip(lines, boxes, strict=True):
            canvas.put(line, box, size, fg, True, "center", exact=True)


class Recent(Region):
    """The calls before the newest, each with its counter's name in every board language:
    the first language large, the others smaller under it (so both read at 720p), or beside
    it on a screen too short for two lines (a long bar over the counters)."""

    name = "recent"
    FIRST_SHARE = 0.56
    """The first language's share of a row's height when others follow under it."""
    LEGIBLE = 12
    """Pixels of type below which a second line would not read: then it goes beside."""

    def __init__(self, config: Config, theme: Theme, unit: int, rect: pygame.Rect) -> None:
        super().__init__(config, theme, unit)
        fit = max(1, int((rect.height - 2 * unit) / (unit * 3.2)) - 1)
        self.rows = min(config.display.recent, fit)

    def key(self, frame: Frame) -> Hashable:
        shown = frame.state.calls[1 : 1 + self.rows]
        return tuple((c.id, c.ticket, c.counter) for c in shown)

    def labels(self, counter_id: str) -> list[str]:
        """The counter's name in each board language, the same name said once."""
        return list(dict.fromkeys(self.counter_label(counter_id, lang) for lang in self.langs))

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
        self._rows(canvas, boxes[1:], frame.state.calls[1 : 1 + self.rows])

    def warm(
        self, canvas: Canvas, rect: pygame.Rect, rehearse: Callable[[], None]
    ) -> Iterator[None]:
        """Lists naming every counter, and the tickets' letters and digits at their size."""
        calls = self.sample_calls()
        boxes = rows(rect.inflate(-2 * self.unit, -2 * self.unit), self.rows + 1)[1:]
        for start in range(0, len(calls), self.rows):
            rehearse()
            self._rows(canvas, boxes, calls[start : start + self.rows])
            yield
        rehearse()
        self.warm_digits(canvas, calls)

    def _rows(self, canvas: Canvas, boxes: list[pygame.Rect], shown: Sequence[BoardCall]) -> None:
        """The rows of ``shown``, one per box."""
        c = canvas.colours
        if not shown:
            return
        tickets = [call.ticket for call in shown]
        names = [self.labels(call.counter) for call in shown]
        most = int(boxes[0].height * 0.7)
        share = self._ticket_share(canvas, tickets, most, boxes[0].inflate(-self.unit, 0).width)
        cells = [self._cells(canvas, box, share, names) for box in boxes[: len(shown)]]
        ticket_size = canvas.common_size(tickets, cells[0][0], most, True)
        sizes = self._name_sizes(canvas, names, cells[0][1])
        for i, (call, group, box) in enumerate(zip(shown, names, boxes, strict=False)):
            if i % 2 == 0:
                canvas.fill(box, c.row_alt_bg, radius=self.unit // 2)
            ticket_box, name_boxes = cells[i]
            canvas.put(
                call.ticket, ticket_box, ticket_size, c.row_ticket_fg, True, exact=True, whole=True
            )
            for line, name_box, size in zip(group, name_boxes, sizes, strict=False):
                canvas.put(line, name_box, size, c.row_text_fg, exact=True)

    @staticmethod
    def _ticket_share(canvas: Canvas, tickets: list[str], size: int, width: int) -> float:
        """The tickets' column: as wide as the widest ticket needs at ``size``, within
        30 % and 45 % of the row (six-character tickets take room from the names)."""
        need = max(canvas.text.width(ticket, size, True) for ticket in tickets) + 2 * MARGIN + 1
        return min(0.45, max(0.3, need / max(1, width)))

    def _cells(
        self, canvas: Canvas, box: pygame.Rect, share: float, names: list[list[str]]
    ) -> tuple[pygame.Rect, list[pygame.Rect]]:
        """A row's ticket box, and a box per language for the counter's name."""
        ticket_box, name_box = split_h(box.inflate(-self.unit, 0), share)
        gap = self.unit
        name_box = pygame.Rect(name_box.x + gap, name_box.y, name_box.width - gap, name_box.height)
        count = len(self.langs)
        if count < 2:
            return ticket_box, [name_box]
        top, rest = split(name_box, self.FIRST_SHARE)
        if rest.height / (count - 1) * 0.6 >= self.LEGIBLE:
            return ticket_box, [top, *rows(rest, count - 1)]
        return ticket_box, self._beside(canvas, name_box, names, count)

    def _beside(
        self, canvas: Canvas, box: pygame.Rect, names: list[list[str]], count: int
    ) -> list[pygame.Rect]:
        """Columns for the languages side by side, as wide as each one's longest name."""
        size = max(1, int(box.height * 0.6))
        need = [
            max((canvas.text.width(g[k], size) for g in names if k < len(g)), default=1)
            for k in range(count)
        ]
        gap = self.unit
        room = max(0, box.width - gap * (count - 1))
        x, columns = box.x, []
        for wanted in need:
            width = round(room * wanted / max(1, sum(need)))
            columns.append(pygame.Rect(x, box.y, width, box.height))
            x += width + gap
        return columns

    def _name_sizes(
        self, canvas: Canvas, names: list[list[str]], boxes: list[pygame.Rect]
    ) -> list[int]:
        """One size per language for every row (the rows look even), the others smaller
        than the first; a name too long even at 60 % of that is ellipsised instead."""
        sizes = []
        for line, box in enumerate(boxes):
            stacked = len(boxes) > 1 and boxes[1].y > box.y if line == 0 else box.y > boxes[0].y
            share = 0.8 if line == 0 and stacked else 0.6 if line == 0 or stacked else 0.5
            most = int(box.height * share)
            texts = [group[line] for group in names if line < len(group)]
            sizes.append(canvas.common_size(texts, box, most, min_size=max(10, most * 3 // 5)))
        return sizes


_UNPAINTED = object()  # equal to no region's key: a region never painted is painted


def paint_regions(
    regions: Sequence[Region],
    layout: object,
    keys: dict[str, Hashable],
    canvas: Canvas,
    surface: pygame.Surface,
    frame: Frame,
) -> list[pygame.Rect]:
    """Paint the regions whose key changed since their last paint (``keys`` remembers them),
    each clipped to its rect in ``layout``; the rects painted, for the display to update."""
    dirty: list[pygame.Rect] = []
    for region in regions:
        key = region.key(frame)
        if keys.get(region.name, _UNPAINTED) == key:
            continue
        keys[region.name] = key
        rect: pygame.Rect = getattr(layout, region.name)
        canvas.begin(surface, region.name)
        surface.set_clip(rect)
        region.paint(canvas, rect, frame)
        surface.set_clip(None)
        dirty.append(rect)
    return dirty
