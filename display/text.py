"""Rendered text, cached, fitted into boxes, with other fonts for missing glyphs.

On a Pi every glyph is rasterised on the CPU; a board mostly redraws the same strings
(counter names, labels, the same tickets), so rendered surfaces are kept and reused within
a memory budget. A character the main font lacks is drawn with the first fallback font
that has it, so no glyph ever shows as a box: spaces and separators too (a Latin theme
font has no ideographic space U+3000, pygame's own font no "◆"). Whitespace no font has
becomes a gap of its width; any other character no font has is left out.

Sizes are measured by ink: a text's surface is the bounding box of what it draws, so a
box's width and height both bound the size a text is given.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable

import pygame
import pygame.freetype

from config.theme import Colour
from display.fonts import FontChoice, FontFace

ELLIPSIS = "…"
CacheKey = tuple[bool, str, int, Colour, Colour | None]
DEFAULT_BUDGET_BYTES = 48 * 1024 * 1024
_PROBE_SIZE = 16
NO_FACE = -2
GAP = -3
"""Runs of whitespace no font has: drawn as an empty advance."""
_WORD_RE = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+"
)


def _open(face: FontFace) -> pygame.freetype.Font:
    font = pygame.freetype.Font(str(face.path), 0, font_index=face.index)
    font.antialiased = True
    font.pad = False
    return font


class TextCache:
    """Rendered strings by (weight, text, size, colour); least recently used dropped first."""

    def __init__(self, fonts: FontChoice, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        if not pygame.freetype.get_init():
            pygame.freetype.init()
        self._main = {False: _open(fonts.regular), True: _open(fonts.bold)}
        self._fallback = [_open(face) for face in fonts.fallback]
        self._budget = budget_bytes
        self._bytes = 0
        self._surfaces: OrderedDict[CacheKey, pygame.Surface] = OrderedDict()
        self._extents: dict[tuple[bool, str, int], tuple[int, int]] = {}
        self._has: dict[tuple[int, bool, str], bool] = {}

    # Which font draws which character

    def has_glyph(self, index: int, char: str, bold: bool = False) -> bool:
        """Whether face ``index`` (-1: the main face) has a glyph of its own for ``char``."""
        key = (index, bold, char)
        found = self._has.get(key)
        if found is None:
            found = self._font(index, bold).get_metrics(char, size=_PROBE_SIZE)[0] is not None
            if len(self._has) > 20000:
                self._has.clear()
            self._has[key] = found
        return found

    def face_index(self, char: str, bold: bool = False, prefer: int | None = None) -> int:
        """The face that draws ``char``: ``prefer`` if it can, else the main face (-1), else the
        first fallback that has it; GAP for whitespace no face has, NO_FACE for anything else."""
        if prefer is not None and prefer >= -1 and self.has_glyph(prefer, char, bold):
            return prefer
        if self.has_glyph(-1, char, bold):
            return -1
        for i in range(len(self._fallback)):
            if self.has_glyph(i, char, bold):
                return i
        return GAP if char.isspace() else NO_FACE

    def runs(self, text: str, bold: bool = False) -> list[tuple[int, str]]:
        """The text cut into runs drawn by one face each (-1: the main face, GAP: a gap).

        Whitespace stays with the run before it when that face has it, so a space between
        two Chinese words of a fallback face does not split the line into three pieces.
        """
        out: list[tuple[int, str]] = []
        for char in text:
            prefer = out[-1][0] if out and char.isspace() else None
            index = self.face_index(char, bold, prefer)
            if index == NO_FACE:
                continue
            if out and out[-1][0] == index:
                out[-1] = (index, out[-1][1] + char)
            else:
                out.append((index, char))
        return out

    def _font(self, index: int, bold: bool) -> pygame.freetype.Font:
        return self._main[bold] if index < 0 else self._fallback[index]

    def _style(self, index: int, bold: bool) -> int:
        # A fallback face has no bold cut: embolden it so a run matches its neighbours.
        return (
            pygame.freetype.STYLE_STRONG if bold and index >= 0 else pygame.freetype.STYLE_DEFAULT
        )

    def _advance(self, index: int, run: str, size: int, bold: bool) -> int:
        if index == GAP:
            return sum(_gap_width(char, size) for char in run)
        font = self._font(index, bold)
        metrics = font.get_metrics(run, size=size)
        return round(sum(m[4] for m in metrics if m is not None))

    # Rendering and measuring

    def render(
        self,
        text: str,
        size: int,
        colour: Colour,
        bold: bool = False,
        background: Colour | None = None,
    ) -> pygame.Surface:
        """Text as a surface; with ``background``, opaque (copied, not blended: cheaper)."""
        key = (bold, text, size, colour, background)
        surface = self._surfaces.get(key)
        if surface is not None:
            self._surfaces.move_to_end(key)
            return surface
        surface = self._compose(text, size, colour, bold)
        if background is not None:
            opaque = pygame.Surface(surface.get_size())
            opaque.fill(background)
            opaque.blit(surface, (0, 0))
            surface = opaque
        if pygame.display.get_surface() is not None:
            surface = surface.convert() if background is not None else surface.convert_alpha()
        self._remember(key, surface)
        return surface

    def _remember(self, key: CacheKey, surface: pygame.Surface) -> None:
        self._surfaces[key] = surface
        self._bytes += surface.get_width() * surface.get_height() * 4
        while self._bytes > self._budget and len(self._surfaces) > 1:
            _, dropped = self._surfaces.popitem(last=False)
            self._bytes -= dropped.get_width() * dropped.get_height() * 4

    def _compose(self, text: str, size: int, colour: Colour, bold: bool) -> pygame.Surface:
        runs = self.runs(text, bold) or [(-1, " ")]
        if len(runs) == 1 and runs[0][0] != GAP:
            index, run = runs[0]
            surface, _ = self._font(index, bold).render(
                run, colour, size=size, style=self._style(index, bold)
            )
            return surface
        pieces: list[tuple[pygame.Surface | None, pygame.Rect, int]] = []
        for index, run in runs:
            advance = self._advance(index, run, size, bold)
            if index == GAP:
                pieces.append((None, pygame.Rect(0, 0, 0, 0), advance))
                continue
            font = self._font(index, bold)
            image, rect = font.render(run, colour, size=size, style=self._style(index, bold))
            pieces.append((image, rect, advance))
        ascent = max(rect.y for _, rect, _ in pieces)
        descent = max(rect.height - rect.y for _, rect, _ in pieces)
        x = 0
        right = 0
        for _, rect, advance in pieces:
            right = max(right, x + rect.x + rect.width, x + advance)
            x += advance
        # As FreeType does for one run: as wide as the pen went (a trailing gap is kept, the
        # marquee's copies follow each other by it), as tall as the ink.
        canvas = pygame.Surface((max(1, right), max(1, ascent + descent)), pygame.SRCALPHA)
        x = 0
        for piece, rect, advance in pieces:
            if piece is not None:
                canvas.blit(piece, (x + rect.x, ascent - rect.y))
            x += advance
        bounds = canvas.get_bounding_rect()
        if not bounds.height:
            return canvas
        return canvas.subsurface((0, bounds.y, canvas.get_width(), bounds.height)).copy()

    def warm(self, text: str, size: int, bold: bool = False) -> None:
        """Have FreeType rasterise these characters at ``size`` now (it keeps its glyphs),
        without keeping a surface: the tickets' letters and digits, before the first call."""
        self._compose(text, size, (255, 255, 255), bold)

    def extent(self, text: str, size: int, bold: bool = False) -> tuple[int, int]:
        """Width and height of the text's surface (its ink) at ``size``."""
        key = (bold, text, size)
        found = self._extents.get(key)
        if found is None:
            runs = self.runs(text, bold) or [(-1, " ")]
            if len(runs) == 1 and runs[0][0] != GAP:
                index, run = runs[0]
                rect = self._font(index, bold).get_rect(
                    run, size=size, style=self._style(index, bold)
                )
                found = (rect.width, rect.height)
            else:
                found = self._compose(text, size, (0, 0, 0), bold).get_size()
            if len(self._extents) > 20000:
                self._extents.clear()
            self._extents[key] = found
        return found

    def width(self, text: str, size: int, bold: bool = False) -> int:
        return self.extent(text, size, bold)[0]

    def height(self, text: str, size: int, bold: bool = False) -> int:
        return self.extent(text, size, bold)[1]

    def fit(
        self,
        text: str,
        max_size: int,
        box_width: int,
        bold: bool = False,
        min_size: int = 12,
        box_height: int | None = None,
    ) -> tuple[str, int]:
        """The largest size at which text fits its box; past ``min_size``, ellipsised.

        The height always bounds the size (there is no ellipsis for a text too tall); the
        width shrinks it down to ``min_size``, then the end gives way to "…". What comes back
        fits, or is "" when not even "…" does.
        """
        size = max(1, max_size)
        if box_height is not None:
            size = self._shrink(text, size, 1, bold, box_height, self.height)
        floor = min(size, max(1, min_size))
        size = self._shrink(text, size, floor, bold, box_width, self.width)
        if self.width(text, size, bold) <= box_width:
            return text, size
        return self._ellipsise(text, size, box_width, bold), size

    def _shrink(
        self,
        text: str,
        size: int,
        floor: int,
        bold: bool,
        most: int,
        measure: Callable[[str, int, bool], int],
    ) -> int:
        """The largest size from ``size`` down to ``floor`` whose measure is within the limit.

        Ink grows about in proportion to the size, so the first guess is the proportional
        one; few sizes are tried, and each size tried costs FreeType a glyph load.
        """
        value = measure(text, size, bold)
        if value <= most or size <= floor:
            return size
        size = max(floor, min(size - 1, int(size * most / max(1, value))))
        while size > floor and measure(text, size, bold) > most:
            size = max(floor, min(size - 1, int(size * 0.97)))
        return size

    def _ellipsise(self, text: str, size: int, box_width: int, bold: bool) -> str:
        """The longest start of the text that fits with "…" after it (a binary search)."""
        low, high = 0, len(text) - 1  # cuts known to fit / to be tried
        while low < high:
            middle = (low + high + 1) // 2
            if self.width(text[:middle].rstrip() + ELLIPSIS, size, bold) <= box_width:
                low = middle
            else:
                high = middle - 1
        if low == 0:
            return ELLIPSIS if self.width(ELLIPSIS, size, bold) <= box_width else ""
        return text[:low].rstrip() + ELLIPSIS

    def fit_size(
        self,
        texts: list[str],
        max_size: int,
        box_width: int,
        bold: bool = False,
        min_size: int = 12,
        box_height: int | None = None,
    ) -> int:
        """One size at which every text fits (so a row of labels looks even)."""
        return min(
            (self.fit(t, max_size, box_width, bold, min_size, box_height)[1] for t in texts),
            default=max_size,
        )

    def wrap(self, text: str, size: int, box_width: int, bold: bool = False) -> list[str]:
        """Break text into lines that fit: between words, or between Chinese characters."""
        lines: list[str] = []
        line = ""
        for word in _WORD_RE.findall(text):
            candidate = line + word
            if not line or self.width(candidate.rstrip(), size, bold) <= box_width:
                line = candidate
                continue
            lines.append(line.rstrip())
            line = word.lstrip()
        if line.strip():
            lines.append(line.rstrip())
        return lines


def _gap_width(char: str, size: int) -> int:
    """The width of whitespace no font has: an em when it is full width (U+3000), else a
    quarter of one (about a space)."""
    return size if unicodedata.east_asian_width(char) in ("F", "W") else max(1, size // 4)
