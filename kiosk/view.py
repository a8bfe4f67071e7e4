"""The ticket machine's screen: the buttons, the ticket, the polite lines. Drawn with the
board's fonts, text fitting and theme (display/), so both look like one branch's."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pygame

from config.settings import Config, Service
from display.canvas import Canvas, rows, split, split_h
from display.text import TextCache
from kiosk.flow import Asking, Declined, Showing, Sorry, State
from lobby.wording import LANGUAGE_NAMES, date_text, opens_text, words

Target = tuple[str, str]  # ("service", id) or ("lang", code) or ("ticket", "")


@dataclass(frozen=True)
class KioskFrame:
    """Everything one kiosk frame shows; the view reads nothing else."""

    state: State
    lang: str
    """The language the customer chose to be called in (shown first)."""
    wall: datetime
    waiting: Mapping[str, int] = field(default_factory=dict)
    closed: Mapping[str, str] = field(default_factory=dict)
    """Service id -> why its button takes no ticket now (a line in each language)."""
    printer_fault: bool = False


def ordered(languages: tuple[str, ...], first: str) -> tuple[str, ...]:
    return (first, *(lang for lang in languages if lang != first))


class KioskView:
    """Paints kiosk frames for one screen size; knows where each button is."""

    def __init__(self, config: Config, text: TextCache, size: tuple[int, int]) -> None:
        self._config = config
        self._services = config.kiosk.offered(config.services)
        self._languages = config.kiosk.languages or config.languages
        self._size = size
        self._colours = config.display.theme.colours
        self.canvas = Canvas(text, self._colours)
        self.targets: list[tuple[pygame.Rect, Target]] = []
        self.unit = max(6, min(size) // 40)

    @property
    def languages(self) -> tuple[str, ...]:
        return self._languages

    @property
    def services(self) -> tuple[Service, ...]:
        return self._services

    def target_at(self, pos: tuple[int, int]) -> Target | None:
        return next((target for rect, target in self.targets if rect.collidepoint(pos)), None)

    def paint(self, surface: pygame.Surface, frame: KioskFrame) -> None:
        width, height = self._size
        self.targets = []
        header, body = split(pygame.Rect(0, 0, width, height), 0.12)
        self.canvas.begin(surface, "header")
        self._header(header, frame)
        self.canvas.begin(surface, "body")
        self.canvas.fill(body, self._colours.background)
        state = frame.state
        if isinstance(state, Showing):
            self._ticket(body, frame, state)
        elif isinstance(state, Asking):
            self._message(body, frame, ["getting_ticket"])
        elif isinstance(state, Sorry):
            self._message(body, frame, ["not_available", "ask_guide"])
        elif isinstance(state, Declined):
            self._declined(body, frame, state)
        else:
            self._buttons(body, frame)

    # The parts of a frame

    def _header(self, rect: pygame.Rect, frame: KioskFrame) -> None:
        c, unit = self._colours, self.unit
        self.canvas.fill(rect, c.header_bg)
        inner = rect.inflate(-2 * unit, -unit)
        names_box, clock_box = split_h(inner, 0.7 if rect.width > 1.5 * self._size[1] else 0.6)
        langs = ordered(self._languages, frame.lang)
        names = [n for n in (self._config.site_name.get(lang) for lang in langs) if n]
        names = names or [self._config.site]
        for line, box in zip(names[:2], rows(names_box, min(2, len(names))), strict=False):
            self.canvas.put(line, box, int(box.height * 0.8), c.header_fg, True)
        clock, date = split(clock_box, 0.6)
        self.canvas.put(
            frame.wall.strftime("%H:%M"),
            clock,
            clock.height,
            c.header_fg,
            True,
            "right",
            whole=True,
        )
        self.canvas.put(
            date_text(frame.wall, langs[0]), date, date.height, c.header_sub_fg, align="right"
        )

    def _languages_bar(self, rect: pygame.Rect, frame: KioskFrame) -> None:
        c, unit = self._colours, self.unit
        label_box, toggles = split_h(rect, 0.4)
        label = " / ".join(words("call_me_in", ordered(self._languages, frame.lang)))
        self.canvas.put(label, label_box, int(rect.height * 0.45), c.panel_title_fg, True, "right")
        width = toggles.width // max(1, len(self._languages))
        for i, lang in enumerate(self._languages):
            box = pygame.Rect(toggles.x + i * width, toggles.y, width, toggles.height)
            box = box.inflate(-unit, -unit // 2)
            chosen = lang == frame.lang
            self.canvas.fill(box, c.hero_flash_bg if chosen else c.chip_bg, radius=unit)
            colour = c.ticket_flash_fg if chosen else c.footer_fg
            self.canvas.put(
                LANGUAGE_NAMES.get(lang, lang), box, int(box.height * 0.55), colour, True, "center"
            )
            self.targets.append((box, ("lang", lang)))

    def _buttons(self, body: pygame.Rect, frame: KioskFrame) -> None:
        c, unit = self._colours, self.unit
        langs = ordered(self._languages, frame.lang)
        bar, rest = split(body, 0.12)
        if len(self._languages) > 1:
            self._languages_bar(bar.inflate(-2 * unit, 0), frame)
        else:
            self.canvas.put(
                words("choose_service", langs)[0],
                bar,
                bar.height // 2,
                c.panel_title_fg,
                True,
                "center",
            )
        grid, footer = split(rest, 0.85)
        for service, box in zip(self._services, self._grid(grid), strict=False):
            self._button(box, service, frame, langs)
        polite = "  ".join(words("choose_service", langs))
        self.canvas.fill(footer, c.footer_bg)
        self.canvas.put(
            polite,
            footer.inflate(-2 * unit, 0),
            int(footer.height * 0.4),
            c.footer_fg,
            align="center",
        )

    def _grid(self, area: pygame.Rect) -> list[pygame.Rect]:
        count = max(1, len(self._services))
        landscape = area.width > area.height
        columns = min(count, 3 if landscape else 2) if count > 2 else (count if landscape else 1)
        lines = math.ceil(count / columns)
        width, height = area.width / columns, area.height / lines
        return [
            pygame.Rect(
                round(area.x + (i % columns) * width),
                round(area.y + (i // columns) * height),
                round(width),
                round(height),
            ).inflate(-self.unit, -self.unit)
            for i in range(count)
        ]

    def _button(
        self, box: pygame.Rect, service: Service, frame: KioskFrame, langs: tuple[str, ...]
    ) -> None:
        c, unit = self._colours, self.unit
        why = frame.closed.get(service.id)
        if why:  # an outline only: plainly not a button to press now
            self.canvas.fill(box, c.header_sub_fg, radius=unit)
            self.canvas.fill(box.inflate(-unit // 2, -unit // 2), c.background, radius=unit)
        else:
            self.canvas.fill(box, c.hero_bg, radius=unit)
        inner = box.inflate(-2 * unit, -unit)
        main, sub, foot = rows(inner, 3) if len(langs) > 1 else (*split(inner, 0.7), None)
        names = [service.name.get(lang) or service.id for lang in langs]
        fg = c.header_sub_fg if why else c.hero_text_fg
        self.canvas.put(names[0], main, int(main.height * 0.75), fg, True, "center")
        if foot is not None:
            self.canvas.put(names[1], sub, int(sub.height * 0.55), fg, align="center")
        note = why or " · ".join(
            words("n_waiting", langs[:2], n=str(frame.waiting.get(service.id, 0)))
        )
        self.canvas.put(
            note,
            foot or sub,
            int((foot or sub).height * 0.5),
            c.count_fg if not why else fg,
            align="center",
        )
        if not why:
            self.targets.append((box, ("service", service.id)))

    def _declined(self, body: pygame.Rect, frame: KioskFrame, declined: Declined) -> None:
        """The engine's reason, in the customer's words: closed, and when it opens; else
        that tickets are not available now and where to ask."""
        refused = declined.refused
        if refused.reason != "closed":
            self._message(body, frame, ["not_available", "ask_guide"])
            return
        langs = ordered(self._languages, refused.lang or frame.lang)
        opens = (
            [opens_text(refused.opens, frame.wall, lang) for lang in langs]
            if refused.opens is not None
            else []
        )
        self._closed(body, words("closed", langs), opens, words("see_you", langs))

    def _closed(
        self, body: pygame.Rect, title: list[str], opens: list[str], thanks: list[str]
    ) -> None:
        """The closed answer as the board's closed page says it: "closed" large, when the
        lobby opens clear below it, the thank-you quiet at the foot."""
        c, unit = self._colours, self.unit
        card = body.inflate(-4 * unit, -4 * unit)
        self.canvas.fill(card, c.panel_bg, radius=unit)
        inner = card.inflate(-2 * unit, -2 * unit)
        top, rest = split(inner, 0.42 if opens else 0.6)
        middle, foot = split(rest, 0.62) if opens else (rest, rest)
        parts = [(title, top, 0.62, c.page_title_fg, True)]
        if opens:
            parts.append((opens, middle, 0.42, c.hero_text_fg, True))
        parts.append((thanks, foot, 0.32, c.panel_title_fg, False))
        for lines, area, share, colour, bold in parts:
            boxes = rows(area, len(lines))
            size = self.canvas.common_size(lines, boxes[0], int(boxes[0].height * share), bold)
            for line, box in zip(lines, boxes, strict=True):
                self.canvas.put(line, box, size, colour, bold, "center", exact=True)

    def _message(
        self, body: pygame.Rect, frame: KioskFrame, keys: list[str], given: Sequence[str] = ()
    ) -> None:
        c = self._colours
        langs = ordered(self._languages, frame.lang)
        lines = [line for key in keys for line in words(key, langs)] + list(given)
        card = body.inflate(-4 * self.unit, -4 * self.unit)
        self.canvas.fill(card, c.panel_bg, radius=self.unit)
        boxes = rows(card.inflate(-2 * self.unit, -2 * self.unit), len(lines))
        size = self.canvas.common_size(lines, boxes[0], int(boxes[0].height * 0.45), True)
        for line, box in zip(lines, boxes, strict=True):
            self.canvas.put(line, box, size, c.panel_title_fg, True, "center", exact=True)

    def _ticket(self, body: pygame.Rect, frame: KioskFrame, shown: Showing) -> None:
        c, unit = self._colours, self.unit
        issued = shown.issued
        langs = ordered(self._languages, issued.lang or frame.lang)
        card = body.inflate(-2 * unit, -2 * unit)
        self.canvas.fill(card, c.hero_bg, radius=unit)
        self.targets.append((card, ("ticket", "")))
        label, rest = split(card.inflate(-2 * unit, -unit), 0.12)
        number, details = split(rest, 0.45)
        self.canvas.put(
            " / ".join(words("your_number", langs)),
            label,
            label.height,
            c.hero_text_fg,
            True,
            "center",
        )
        scale = self._config.display.theme.ticket_scale
        self.canvas.put(
            issued.ticket,
            number,
            int(number.height * scale),
            c.ticket_fg,
            True,
            "center",
            whole=True,
        )
        service = self._config.service(issued.service)
        lines = (
            [" · ".join((service.name.get(lang) or service.id) for lang in langs[:2])]
            if service
            else []
        )
        ahead = issued.waiting_before
        lines += [
            " / ".join(
                words("ahead", langs[:2], n=str(ahead))
                if ahead
                else words("you_are_next", langs[:2])
            )
        ]
        if issued.est_wait_s is not None and ahead:
            minutes = str(max(1, math.ceil(issued.est_wait_s / 60)))
            lines.append(" / ".join(words("about_wait", langs[:2], minutes=minutes)))
        if frame.printer_fault:
            lines.append(words("remember_number", langs)[0])
        lines.append(words("watch_screen", langs)[0])
        boxes = rows(details, len(lines))
        size = self.canvas.common_size(lines, boxes[0], int(boxes[0].height * 0.5))
        for line, box in zip(lines, boxes, strict=True):
            self.canvas.put(line, box, size, c.hero_text_fg, align="center", exact=True)
