"""Rendered text, cached, and fitted into boxes.

On a Pi every glyph is rasterised on the CPU; a board mostly redraws the same strings
(counter names, labels, the same tickets), so rendered surfaces are kept and reused.
"""

from __future__ import annotations

from collections import OrderedDict

import pygame
import pygame.freetype

from display.fonts import FontChoice
from display.theme import Colour

ELLIPSIS = "…"


class TextCache:
    """Rendered strings by (face, text, size, colour), least recently used dropped first."""

    def __init__(self, fonts: FontChoice, capacity: int = 512) -> None:
        if not pygame.freetype.get_init():
            pygame.freetype.init()
        self._faces = {
            False: pygame.freetype.Font(str(fonts.regular.path), 0, font_index=fonts.regular.index),
            True: pygame.freetype.Font(str(fonts.bold.path), 0, font_index=fonts.bold.index),
        }
        for face in self._faces.values():
            face.antialiased = True
            face.pad = False
        self._capacity = capacity
        self._surfaces: OrderedDict[tuple[bool, str, int, Colour], pygame.Surface] = OrderedDict()
        self._widths: dict[tuple[bool, str, int], int] = {}
        self.hits = 0
        self.misses = 0

    def render(self, text: str, size: int, colour: Colour, bold: bool = False) -> pygame.Surface:
        key = (bold, text, size, colour)
        surface = self._surfaces.get(key)
        if surface is not None:
            self._surfaces.move_to_end(key)
            self.hits += 1
            return surface
        self.misses += 1
        surface, _ = self._faces[bold].render(text, colour, size=size)
        surface = surface.convert_alpha() if pygame.display.get_surface() else surface
        self._surfaces[key] = surface
        if len(self._surfaces) > self._capacity:
            self._surfaces.popitem(last=False)
        return surface

    def width(self, text: str, size: int, bold: bool = False) -> int:
        key = (bold, text, size)
        width = self._widths.get(key)
        if width is None:
            width = self._faces[bold].get_rect(text, size=size).width
            if len(self._widths) > 4 * self._capacity:
                self._widths.clear()
            self._widths[key] = width
        return width

    def line_height(self, size: int, bold: bool = False) -> int:
        return int(self._faces[bold].get_sized_height(size))

    def fit(
        self, text: str, max_size: int, box_width: int, bold: bool = False, min_size: int = 12
    ) -> tuple[str, int]:
        """The largest size (down to ``min_size``) at which text fits; past that, ellipsised."""
        size = max_size
        while size > min_size and self.width(text, size, bold) > box_width:
            size = max(min_size, int(size * 0.9))
        if self.width(text, size, bold) <= box_width:
            return text, size
        cut = len(text)
        while cut > 1 and self.width(text[:cut] + ELLIPSIS, size, bold) > box_width:
            cut -= 1
        return text[:cut].rstrip() + ELLIPSIS, size
