"""The page of the small screen above one counter (窗口屏): the counter's name in each
language and the clock, the ticket it serves (large, flashing on a call or a recall) with
its service, "暂停服务 / Closed" with the teller's reason, a welcome while it serves nobody,
the rating faces while the customer is invited to rate, thanks once they have; the services
the counter offers along the bottom.

The same painter as the board's (regions repainted when what they show changes), laid out
for the screens that sit above counters: 800x480 (the Pi's touch display), 1024x600,
1280x720, and long bars such as 1920x360, where the three parts sit side by side.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

import pygame

from config.settings import Config
from config.theme import Colour, Theme
from display.canvas import REHEARSAL, Canvas, Fill, Placed, cols, rows, split, split_h
from display.regions import Frame, Region, paint_regions
from display.text import TextCache
from display.words import date_text, words
from lobby.board import BoardState
from lobby.contract import BoardCall
from lobby.counter_page import CLOSED, IDLE, RATING, SERVING, THANKS, CounterLook
from lobby.wording import FACES, WORDS

BAR_RATIO = 3.0
"""A screen at least this many times wider than tall is a bar: its parts sit side by side."""
UNHAPPY, SO_SO, HAPPY = (214, 69, 69), (240, 180, 41), (46, 158, 91)
NO_LOOK = CounterLook(IDLE)


@dataclass(frozen=True)
class CounterLayout:
    """The counter page's parts in pixels."""

    size: tuple[int, int]
    counter_header: pygame.Rect
    counter_body: pygame.Rect
    counter_footer: pygame.Rect

    @property
    def unit(self) -> int:
        return max(4, min(self.size) // 40)

    @property
    def bar(self) -> bool:
        return self.size[0] >= BAR_RATIO * self.size[1]


def counter_layout(width: int, height: int) -> CounterLayout:
    """Name on top, the ticket in the middle, the services at the bottom; on a bar, the
    name on the left, the ticket in the middle, the services on the right."""
    if width >= BAR_RATIO * height:
        left = round(width * 0.27)
        right = round(width * 0.22)
        return CounterLayout(
            (width, height),
            pygame.Rect(0, 0, left, height),
            pygame.Rect(left, 0, width - left - right, height),
            pygame.Rect(width - right, 0, right, height),
        )
    header_h = round(height * 0.2)
    footer_h = round(height * 0.14)
    return CounterLayout(
        (width, height),
        pygame.Rect(0, 0, width, header_h),
        pygame.Rect(0, header_h, width, height - header_h - footer_h),
        pygame.Rect(0, height - footer_h, width, footer_h),
    )


def face_colour(score: int, scale: int) -> Colour:
    """Red for the unhappiest, amber in the middle, green for the happiest."""
    share = (score - 1) / max(1, scale - 1)
    low, high, part = (UNHAPPY, SO_SO, share * 2) if share <= 0.5 else (SO_SO, HAPPY, share * 2 - 1)
    return (
        round(low[0] + (high[0] - low[0]) * part),
        round(low[1] + (high[1] - low[1]) * part),
        round(low[2] + (high[2] - low[2]) * part),
    )


class CounterRegion(Region):
    """A part of the counter page: the counter it shows and its names."""

    def __init__(self, config: Config, theme: Theme, unit: int, bar: bool) -> None:
        super().__init__(config, theme, unit)
        self.bar = bar
        self.counter = config.counter(config.display.counter)

    def look(self, frame: Frame) -> CounterLook:
        return frame.counter or NO_LOOK

    def lines(self, texts: list[str], box: pygame.Rect, canvas: Canvas, share: float) -> None:
        """Lines one under the other, the first larger, all centred."""
        c = canvas.colours
        boxes = rows(box, len(texts))
        for i, (line, row) in enumerate(zip(texts, boxes, strict=True)):
            size = int(row.height * (share if i == 0 else share * 0.8))
            canvas.put(line, row, size, c.hero_text_fg, i == 0, "center")


class CounterHeader(CounterRegion):
    """The counter's name in each language, large, and the clock."""

    name = "counter_header"

    def key(self, frame: Frame) -> Hashable:
        return (frame.wall.strftime("%H:%M"), frame.wall.date())

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.fill(rect, c.header_bg)
        pad = self.unit
        inner = rect.inflate(-2 * pad, -pad)
        names = list(dict.fromkeys(self.counter.label(lang) for lang in self.langs))
        if self.bar:
            names_box, clock_box = split(inner, 0.72)
        else:
            names_box, clock_box = split_h(inner, 0.74)
        boxes = rows(names_box, len(names))
        for i, (line, box) in enumerate(zip(names, boxes, strict=True)):
            fg = c.header_fg if i == 0 else c.header_sub_fg
            canvas.put(line, box, int(box.height * (0.85 if i == 0 else 0.7)), fg, i == 0)
        clock, date = split(clock_box, 0.6)
        align = "left" if self.bar else "right"
        canvas.put(
            frame.wall.strftime("%H:%M"), clock, int(clock.height * 0.85), c.header_fg, True,
            align, whole=True,
        )  # fmt: skip
        line = date_text(frame.wall, self.langs[0])
        canvas.put(line, date, int(date.height * 0.75), c.header_sub_fg, align=align)


class CounterFooter(CounterRegion):
    """The services this counter offers; a polite badge while the broker is away."""

    name = "counter_footer"

    def key(self, frame: Frame) -> Hashable:
        return frame.link_up

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.fill(rect, c.footer_bg)
        inner = rect.inflate(-2 * self.unit, -self.unit)
        lines = self._service_lines()
        if not frame.link_up:
            lines = words("reconnecting", self.langs)
        if self.bar:
            title = words("services_here", self.langs)[0] if frame.link_up else ""
            title_box, rest = split(inner, 0.22 if title else 0.0)
            if title:
                canvas.put(title, title_box, int(title_box.height * 0.7), c.panel_title_fg, True)
            boxes = rows(rest, len(lines))
        else:
            boxes = rows(inner, len(lines))
        most = int(boxes[0].height * 0.7)
        size = canvas.common_size(lines, boxes[0], most, min_size=max(10, most // 2))
        fg = c.badge_fg if not frame.link_up else c.footer_fg
        for line, box in zip(lines, boxes, strict=True):
            canvas.put(line, box, size, fg, exact=True)

    def _service_lines(self) -> list[str]:
        """Per language: "本窗口办理：综合业务 · 咨询"; on a bar (a narrow column), per
        service: "综合业务  General business"."""
        if self.bar:
            out: list[str] = []
            for service_id in self.counter.services:
                service = self.config.service(service_id)
                names = [service.name.get(lang) for lang in self.langs] if service else []
                out.extend(dict.fromkeys(n for n in names if n) or [service_id])
            return out
        out = []
        for lang in self.langs:
            names = []
            for service_id in self.counter.services:
                service = self.config.service(service_id)
                names.append((service.name.get(lang) if service else "") or service_id)
            listed = " · ".join(names)
            if not self.bar:
                colon = "：" if lang == "zh" else ": "
                out.append(f"{WORDS['services_here'][lang]}{colon}{listed}")
        return out


class CounterBody(CounterRegion):
    """The ticket served, closed, welcome, the rating faces or thanks."""

    name = "counter_body"

    def __init__(self, config: Config, theme: Theme, unit: int, bar: bool) -> None:
        super().__init__(config, theme, unit, bar)
        self.faces: dict[int, pygame.Rect] = {}

    def key(self, frame: Frame) -> Hashable:
        return self.look(frame)

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        self.draw(canvas, rect, self.look(frame))

    def draw(self, canvas: Canvas, rect: pygame.Rect, look: CounterLook) -> None:
        c = canvas.colours
        canvas.clear(rect, c.background)
        card = rect.inflate(-2 * self.unit, -2 * self.unit)
        canvas.fill(card, c.hero_flash_bg if look.bright else c.hero_bg, radius=self.unit)
        inner = card.inflate(-2 * self.unit, -self.unit)
        self.faces = {}
        if look.phase == SERVING:
            self._serving(canvas, inner, look)
        elif look.phase == CLOSED:
            self._closed(canvas, inner, look)
        elif look.phase == RATING:
            self._faces(canvas, inner, look)
        elif look.phase == THANKS:
            self._big_and_small(canvas, inner, words("thanks_rating", self.langs), [])
        else:
            idle = words("counter_idle", self.langs)
            self._big_and_small(canvas, inner, words("welcome", self.langs), idle)

    def _serving(self, canvas: Canvas, box: pygame.Rect, look: CounterLook) -> None:
        c = canvas.colours
        fg = c.ticket_flash_fg if look.bright else c.hero_text_fg
        label_box, rest = split(box, 0.16)
        ticket_box, service_box = split(rest, 0.75)
        label = "recalling" if look.recall and look.bright else "now_serving"
        labels = words(label, self.langs)
        canvas.put("  ".join(labels), label_box, int(label_box.height * 0.8), fg, align="center")
        canvas.put(
            look.ticket or "", ticket_box, int(ticket_box.height * 1.05 * self.theme.ticket_scale),
            c.ticket_flash_fg if look.bright else c.ticket_fg, True, "center", whole=True,
        )  # fmt: skip
        service = self.config.service(look.service)
        names = [n for n in (service.name.get(lang) for lang in self.langs) if n] if service else []
        if names:
            line = "  ".join(dict.fromkeys(names))
            canvas.put(line, service_box, int(service_box.height * 0.6), fg, align="center")

    def _closed(self, canvas: Canvas, box: pygame.Rect, look: CounterLook) -> None:
        titles = words("counter_closed", self.langs)
        small = ([look.reason] if look.reason else []) + words("counter_closed_help", self.langs)
        self._big_and_small(canvas, box, titles, small)

    def _big_and_small(
        self, canvas: Canvas, box: pygame.Rect, big: list[str], small: list[str]
    ) -> None:
        """Titles large (the first language largest), then smaller lines of one size."""
        c = canvas.colours
        title_box, small_box = split(box, 0.58 if small else 1.0)
        if self.bar and small and len(big) > 1:  # short: the titles side by side, one line
            big = ["  ".join(big)]
        self.lines(big, title_box, canvas, 0.72)
        if not small:
            return
        boxes = rows(small_box, len(small))
        most = int(boxes[0].height * 0.62)
        size = canvas.common_size(small, boxes[0], most, min_size=max(10, most // 2))
        for line, row in zip(small, boxes, strict=True):
            canvas.put(line, row, size, c.hero_text_fg, align="center", exact=True)

    def _faces(self, canvas: Canvas, box: pygame.Rect, look: CounterLook) -> None:
        """A card per face, the happiest first, each with its words under it; a touch on a
        card chooses it."""
        c = canvas.colours
        prompt_box, cards_box = split(box, 0.2)
        prompt = "  ".join(words("please_rate", self.langs))
        canvas.put(prompt, prompt_box, int(prompt_box.height * 0.7), c.hero_text_fg, True, "center")
        keys = FACES.get(look.scale)
        scores = range(look.scale, 0, -1)
        gap = self.unit
        cells = cols(cards_box, look.scale)
        texts = [words(key, self.langs) for key in keys] if keys else [[str(n)] for n in scores]
        inner = split(cells[0].inflate(-2 * gap, -gap - gap // 2), 0.62)[1]
        line_box = rows(inner, len(texts[0]))[0]
        sizes = [
            canvas.common_size(
                [t[j] for t in texts], line_box, int(line_box.height * share), j == 0
            )
            for j, share in enumerate((0.8, 0.65)[: len(texts[0])])
        ]
        for i, (score, cell) in enumerate(zip(scores, cells, strict=True)):
            card = cell.inflate(-gap, -gap // 2)
            chosen = look.chosen == score
            canvas.fill(card, c.hero_flash_bg if chosen else c.panel_bg, radius=self.unit)
            self.faces[score] = card
            face_box, label_box = split(card.inflate(-gap, -gap), 0.62)
            self._face(canvas, face_box, score, look.scale)
            boxes = rows(label_box, len(texts[i]))
            fg = c.ticket_flash_fg if chosen else c.hero_text_fg
            for j, (line, row) in enumerate(zip(texts[i], boxes, strict=False)):
                canvas.put(line, row, sizes[min(j, 1)], fg, j == 0, "center", exact=True)

    def _face(self, canvas: Canvas, box: pygame.Rect, score: int, scale: int) -> None:
        """A round face: its mouth curves up for the happy, down for the unhappy."""
        radius = max(4, min(box.width, box.height) // 2 - 1)
        centre = box.center
        surface = canvas.target
        colour = face_colour(score, scale)
        pygame.draw.circle(surface, colour, centre, radius)
        ink = (30, 30, 30)
        eye = max(2, radius // 8)
        for dx in (-radius // 3, radius // 3):
            pygame.draw.circle(surface, ink, (centre[0] + dx, centre[1] - radius // 4), eye)
        mood = (score - 1) / max(1, scale - 1) * 2 - 1  # -1 unhappy .. 1 happy
        width = max(2, radius // 10)
        mouth = pygame.Rect(0, 0, radius, max(2, int(radius * 0.5 * abs(mood))))
        if abs(mood) < 0.2:
            y = centre[1] + radius // 3
            pygame.draw.line(
                surface, ink, (centre[0] - radius // 2, y), (centre[0] + radius // 2, y), width
            )
        elif mood > 0:
            mouth.height *= 2
            mouth.midbottom = (centre[0], centre[1] + radius // 2)
            pygame.draw.arc(surface, ink, mouth, math.pi, 2 * math.pi, width)
        else:
            mouth.height *= 2
            mouth.midtop = (centre[0], centre[1] + radius // 4)
            pygame.draw.arc(surface, ink, mouth, 0, math.pi, width)
        canvas.note(f"face {score}", pygame.Rect(centre[0] - radius, centre[1] - radius,
                                                  2 * radius, 2 * radius), box)  # fmt: skip


class CounterPainter:
    """Paints one counter's page for one screen size; remembers what each part shows."""

    def __init__(
        self, config: Config, text: TextCache, size: tuple[int, int], theme: Theme | None = None
    ) -> None:
        self._config = config
        self._theme = theme or config.display.theme
        self._canvas = Canvas(text, self._theme.colours)
        self._canvas.use_background(self._theme.background_image, size)
        self.layout = counter_layout(*size)
        unit, bar = self.layout.unit, self.layout.bar
        self.body = CounterBody(config, self._theme, unit, bar)
        self.regions: list[Region] = [
            CounterHeader(config, self._theme, unit, bar),
            self.body,
            CounterFooter(config, self._theme, unit, bar),
        ]
        self._keys: dict[str, Hashable] = {}
        self._shown: CounterLook = NO_LOOK

    @property
    def drawn(self) -> dict[str, list[tuple[str, pygame.Rect]]]:
        return self._canvas.drawn

    @property
    def placed(self) -> dict[str, list[Placed]]:
        return self._canvas.placed

    @property
    def fills(self) -> dict[str, list[Fill]]:
        return self._canvas.fills

    def face_at(self, pos: tuple[int, int]) -> int | None:
        """The score of the face card at a point of the screen, if faces are showing."""
        if self._shown.phase != RATING:
            return None
        return next((score for score, r in self.body.faces.items() if r.collidepoint(pos)), None)

    def invalidate(self) -> None:
        self._keys.clear()

    def paint(self, surface: pygame.Surface, frame: Frame) -> list[pygame.Rect]:
        self._shown = frame.counter or NO_LOOK
        return paint_regions(self.regions, self.layout, self._keys, self._canvas, surface, frame)

    def next_change(self, frame: Frame) -> float:
        """The page's own changes (the flash, the invitation) are the counter part's to
        time; the clock is the loop's."""
        return math.inf

    def visible_calls(self, state: BoardState) -> tuple[BoardCall, ...]:
        """The call on screen: this counter's newest, while its ticket shows."""
        if self._shown.phase != SERVING:
            return ()
        mine = self._config.display.counter
        newest = next((call for call in state.calls if call.counter == mine), None)
        return (newest,) if newest is not None and newest.ticket == self._shown.ticket else ()

    def warming(self) -> Iterator[None]:
        """Draw, onto nothing, a ticket of each of the counter's services, flashing and
        steady, and every digit at the ticket's size: the first call then costs no more
        than the others."""
        prefixes = [
            service.prefix
            for service_id in self.body.counter.services
            if (service := self._config.service(service_id)) is not None
        ] or [""]
        number = "0" * self._config.queue.number_width
        rect = self.layout.counter_body
        stand_in = CounterBody(self._config, self._theme, self.layout.unit, self.layout.bar)
        for prefix in prefixes:
            for bright in (True, False):
                self._canvas.rehearse()
                look = CounterLook(SERVING, prefix + number, "", bright=bright)
                stand_in.draw(self._canvas, rect, look)  # not the body: its faces are live
                yield
        tickets = {prefix + number for prefix in prefixes}
        sizes = {p.size for p in self._canvas.placed.get(REHEARSAL, []) if p.text in tickets}
        for size in sizes:
            self._canvas.text.warm("".join(prefixes) + "0123456789", size, True)
        self._canvas.forget_rehearsal()

    def warm(self) -> float:
        started = time.perf_counter()
        for _ in self.warming():
            pass
        return time.perf_counter() - started
