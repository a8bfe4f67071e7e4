"""The page the lobby sees while the screen's settings need a technician.

A dark TV makes a lobby think the branch is closed; a traceback on it makes the branch look
broken. This page says, in the lobby's tone, that the screen is out of service for a moment
and where to get help; small lines at the bottom tell the technician which file to fix and
what is wrong with it, in the loader's own words, as many as fit.

It is drawn with the board's tools (the text cache, the canvas) in the default theme: the
configured theme may be what is broken.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from config.theme import BUILT_IN, Palette
from display.canvas import Canvas, rows, split
from display.fonts import find_fonts, last_resort
from display.text import TextCache
from lobby.errors import FontError
from lobby.wording import WORDED_LANGUAGES, WORDS

_LOG = logging.getLogger(__name__)

TECHNICIAN_SHARE = 0.3
"""The share of the screen the technician's lines may take, at the bottom."""


@dataclass(frozen=True)
class Trouble:
    """What the technician needs to know: the file and its problems, one line each."""

    source: str
    problems: tuple[str, ...]


def technician_lines(trouble: Trouble, room: int) -> list[str]:
    """The heading and as many problems as ``room`` lines hold; the last line says how many
    more there are, and where the whole list is."""
    count = len(trouble.problems)
    heading = f"For the technician: {trouble.source} has {count} problem(s) to fix"
    if count <= room - 1:
        return [heading, *trouble.problems]
    shown = max(0, room - 2)
    rest = count - shown
    more = f"… and {rest} more (callboard check-config {trouble.source} lists them all)"
    return [heading, *trouble.problems[:shown], more]


def page_fonts() -> tuple[TextCache, tuple[str, ...]]:
    """The system's CJK fonts and every worded language; without them, pygame's own font
    and English only (a Latin font leaves Chinese out, which would be blank lines)."""
    try:
        return TextCache(find_fonts()), WORDED_LANGUAGES
    except (FontError, OSError, pygame.error) as exc:
        _LOG.warning("fonts: %s; the page is shown in English with pygame's own font", exc)
        return TextCache(last_resort()), ("en",)


class OutOfServicePage:
    """Paints the page for one screen size; ``drawn`` says what is where (tests, support)."""

    def __init__(
        self,
        text: TextCache,
        size: tuple[int, int],
        languages: Sequence[str] = ("zh", "en"),
        colours: Palette = BUILT_IN["default"].colours,
    ) -> None:
        self._canvas = Canvas(text, colours)
        self._size = size
        self._languages = [lang for lang in languages if lang in WORDS["out_of_service"]]
        self.unit = max(6, min(size) // 40)

    @property
    def drawn(self) -> list[tuple[str, pygame.Rect]]:
        return self._canvas.drawn.get("page", [])

    def paint(self, surface: pygame.Surface, trouble: Trouble) -> None:
        """Draw the whole page (it changes only when the problems do)."""
        c = self._canvas.colours
        width, height = self._size
        screen = pygame.Rect(0, 0, width, height)
        self._canvas.begin(surface, "page")
        self._canvas.fill(screen, c.background)
        card_area, tech_area = split(screen, 1 - TECHNICIAN_SHARE)
        card = card_area.inflate(-4 * self.unit, -4 * self.unit)
        self._canvas.fill(card, c.hero_bg, radius=self.unit)
        self._paint_card(card.inflate(-2 * self.unit, -2 * self.unit))
        self._canvas.fill(tech_area, c.footer_bg)
        self._paint_technician(tech_area.inflate(-2 * self.unit, -self.unit), trouble)

    def _paint_card(self, box: pygame.Rect) -> None:
        """The titles large, then the polite lines, each language on its own line."""
        c = self._canvas.colours
        titles = [WORDS["out_of_service"][lang] for lang in self._languages]
        polite = [
            WORDS[key][lang] for key in ("being_prepared", "ask_staff") for lang in self._languages
        ]
        title_box, polite_box = split(box, 0.55 if len(titles) > 1 else 0.45)
        for i, (line, row) in enumerate(zip(titles, rows(title_box, len(titles)), strict=True)):
            colour = c.ticket_fg if i == 0 else c.hero_text_fg
            size = int(row.height * (0.7 if i == 0 else 0.55))
            self._canvas.put(line, row, size, colour, bold=True, align="center")
        boxes = rows(polite_box, len(polite))
        if not boxes:
            return
        largest = min(int(boxes[0].height * 0.55), self.unit * 3)
        size = self._canvas.text.fit_size(polite, largest, polite_box.width)  # one size: calm
        for line, row in zip(polite, boxes, strict=True):
            self._canvas.put(line, row, size, c.hero_text_fg, align="center")

    def _paint_technician(self, box: pygame.Rect, trouble: Trouble) -> None:
        c = self._canvas.colours
        size = max(12, min(self._size) // 45)
        room = max(2, box.height // int(size * 1.5))
        lines = technician_lines(trouble, room)
        for i, (line, row) in enumerate(zip(lines, rows(box, room), strict=False)):
            bold = i == 0
            fitted, _ = self._canvas.text.fit(line, size, row.width, bold, min_size=size)
            colour = c.header_sub_fg if bold else c.footer_fg
            self._canvas.put(fitted, row, size, colour, bold, exact=True)
