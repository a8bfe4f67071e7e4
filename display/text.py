"""Rendered text, cached, fitted into boxes, with other fonts for missing glyphs.

On a Pi every glyph is rasterised on the CPU; a board mostly redraws the same strings
(counter names, labels, the same tickets), so rendered surfaces are kept and reused within
a memory budget. A character the main font lacks is drawn with the first fallback font
that has it, so no glyph ever shows as a box.
"""

from __future__ import annotations

import re
from collections import OrderedDict

import pygame
import pygame.freetype

from config.theme import Colour
from display.fonts import FontChoice, FontFace

ELLIPSIS = "…"
CacheKey = tuple[bool, str, int, Colour, Colour | None]
DEFAULT_BUDGET_BYTES = 48 * 1024 * 1024
_PROBE_SIZE = 16
NO_FACE = -2
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
        self._widths: dict[tuple[bool, str, int], int] = {}
        self._face_of: dict[tuple[bool, str], int] = {}

    # Which font draws which character

    def _face_index(self, char: str, bold: bool) -> int:
        """-1 for the main face, the index of the first fallback that has the glyph, or
        NO_FACE when no font here can draw it (it is left out rather than drawn as a box)."""
        key = (bold, char)
        found = self._face_of.get(key)
        if found is None:
            found = -1
            if self._main[bold].get_metrics(char, size=_PROBE_SIZE)[0] is None:
                found = NO_FACE
                for i, face in enumerate(self._fallback):
                    if face.get_metrics(char, size=_PROBE_SIZE)[0] is not None:
                        found = i
                        break
            if len(self._face_of) > 20000:
                self._face_of.clear()
            self._face_of[key] = found
        return found

    def runs(self, text: str, bold: bool = False) -> list[tuple[int, str]]:
        """The text cut into runs drawn by one face each (-1: the main face)."""
        out: list[tuple[int, str]] = []
        for char in text:
            index = self._face_index(char, bold) if not char.isspace() else -1
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
        if len(runs) == 1:
            index, run = runs[0]
            surface, _ = self._font(index, bold).render(
                run, colour, size=size, style=self._style(index, bold)
            )
            return surface
        pieces = []
        for index, run in runs:
            font = self._font(index, bold)
            image, rect = font.render(run, colour, size=size, style=self._style(index, bold))
            pieces.append((image, rect, self._advance(index, run, size, bold)))
        ascent = max(rect.y for _, rect, _ in pieces)
        descent = max(rect.height - rect.y for _, rect, _ in pieces)
        width = sum(advance for *_, advance in pieces) + max(rect.width for _, rect, _ in pieces)
        canvas = pygame.Surface((max(1, width), max(1, ascent + descent)), pygame.SRCALPHA)
        x = 0
        for image, rect, advance in pieces:
            canvas.blit(image, (x + rect.x, ascent - rect.y))
            x += advance
        bounds = canvas.get_bounding_rect()
        return canvas.subsurface(bounds).copy() if bounds.width else canvas

    def width(self, text: str, size: int, bold: bool = False) -> int:
        key = (bold, text, size)
        width = self._widths.get(key)
        if width is None:
            runs = self.runs(text, bold) or [(-1, " ")]
            if len(runs) == 1:
                width = (
                    self._main[bold].get_rect(text, size=size).width
                    if runs[0][0] < 0
                    else self._fallback[runs[0][0]].get_rect(text, size=size).width
                )
            else:
                width = self._compose(text, size, (0, 0, 0), bold).get_width()
            if len(self._widths) > 20000:
                self._widths.clear()
            self._widths[key] = width
        return width

    def fit(
        self, text: str, max_size: int, box_width: int, bold: bool = False, min_size: int = 12
    ) -> tuple[str, int]:
        """The largest size (down to ``min_size``) at which text fits; past that, ellipsised."""
        size = max(1, max_size)
        while size > min_size and self.width(text, size, bold) > box_width:
            size = max(min_size, int(size * 0.92))
        if self.width(text, size, bold) <= box_width:
            return text, size
        cut = len(text)
        while cut > 1 and self.width(text[:cut] + ELLIPSIS, size, bold) > box_width:
            cut -= 1
        return text[:cut].rstrip() + ELLIPSIS, size

    def fit_size(
        self,
        texts: list[str],
        max_size: int,
        box_width: int,
        bold: bool = False,
        min_size: int = 12,
    ) -> int:
        """One size at which every text fits (so a row of labels looks even)."""
        return min(
            (self.fit(t, max_size, box_width, bold, min_size)[1] for t in texts), default=max_size
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
