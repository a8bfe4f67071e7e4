"""Drawing on the board: fitted text, backgrounds, boxes, and a log of what was drawn.

The log (region -> what was drawn, where, and in which box) lets tests, previews and
support say what the screen shows without reading pixels, and lets the painter check that
nothing leaves its box. Text keeps a pixel off its box's edges, so two texts in boxes side
by side never touch.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NamedTuple

import pygame

from config.theme import Colour, Palette
from display.text import TextCache

_LOG = logging.getLogger(__name__)
MARGIN = 1
"""Pixels a text keeps off its box's edges."""
REHEARSAL = "rehearsal"


class Placed(NamedTuple):
    """One thing drawn: its text (or an image's label), where its pixels are, its box."""

    text: str
    rect: pygame.Rect
    box: pygame.Rect
    size: int = 0
    """The text's size in pixels (0 for an image or the marquee's strip)."""


class Fill(NamedTuple):
    """A plain area painted in one colour: a card, a chip, a row's stripe."""

    rect: pygame.Rect
    colour: Colour


class Canvas:
    """The screen surface with the tools every region draws with."""

    def __init__(self, text: TextCache, colours: Palette) -> None:
        self.text = text
        self.colours = colours
        self.surface: pygame.Surface | None = None
        self.background: pygame.Surface | None = None
        self.placed: dict[str, list[Placed]] = {}
        self.fills: dict[str, list[Fill]] = {}
        self.region = ""
        self._scratch = pygame.Surface((1, 1))

    @property
    def drawn(self) -> dict[str, list[tuple[str, pygame.Rect]]]:
        """Each region's texts (and images' labels) with where they are."""
        return {region: [(p.text, p.rect) for p in items] for region, items in self.placed.items()}

    def forget(self) -> None:
        self.placed.clear()
        self.fills.clear()

    def use_background(self, image: Path | None, size: tuple[int, int]) -> None:
        """Load the theme's background image scaled to the screen (once per size)."""
        self.background = None
        if image is not None:
            loaded = pygame.image.load(str(image))
            self.background = pygame.transform.smoothscale(
                loaded.convert() if pygame.display.get_surface() else loaded, size
            )

    def rehearse(self) -> None:
        """Draw onto nothing: what is drawn until the next ``begin`` is fitted and rendered
        (so the text cache and FreeType's glyphs are warm) but shown nowhere, logged under
        REHEARSAL only, until ``forget_rehearsal``."""
        self.surface = self._scratch  # one pixel: every blit falls outside and is clipped
        self.region = REHEARSAL
        self.placed.setdefault(REHEARSAL, [])
        self.fills.setdefault(REHEARSAL, [])

    def forget_rehearsal(self) -> None:
        self.placed.pop(REHEARSAL, None)
        self.fills.pop(REHEARSAL, None)

    def begin(self, surface: pygame.Surface, region: str) -> None:
        self.surface = surface
        self.region = region
        self.placed[region] = []
        self.fills[region] = []

    @property
    def target(self) -> pygame.Surface:
        assert self.surface is not None, "begin() first"
        return self.surface

    def clear(self, rect: pygame.Rect, colour: Colour) -> None:
        """Restore a region's backdrop: the theme's image, else its colour."""
        if self.background is not None:
            self.target.blit(self.background, rect, rect)
        else:
            self.fill(rect, colour)

    def fill(self, rect: pygame.Rect, colour: Colour, radius: int = 0) -> None:
        if radius:
            pygame.draw.rect(self.target, colour, rect, border_radius=radius)
        else:
            self.target.fill(colour, rect)
        self.fills[self.region].append(Fill(pygame.Rect(rect), colour))

    def note(self, text: str, rect: pygame.Rect, box: pygame.Rect) -> None:
        """Log something a region drew by itself (the marquee's strip)."""
        self.placed[self.region].append(Placed(text, rect, box))

    def put(
        self,
        text: str,
        box: pygame.Rect,
        size: int,
        colour: Colour,
        bold: bool = False,
        align: str = "left",
        exact: bool = False,
        whole: bool = False,
    ) -> pygame.Rect:
        """Draw text in a box, centred vertically, at the largest size up to ``size`` at
        which it fits the box's height and width; too wide even small, it ends in "…".

        ``exact`` keeps ``size`` (the caller fitted a row together): the text is only
        ellipsised, or made smaller if taller than the box. ``whole`` never cuts the text
        (a ticket, a count, the time): it is made as small as it must be instead.
        """
        inner = box.inflate(-2 * MARGIN, -2 * MARGIN)
        if not text.strip() or inner.width <= 0 or inner.height <= 0:
            return pygame.Rect(box.x, box.y, 0, 0)
        min_size = size if exact else max(10, size // 3)
        shown, fitted = self.text.fit(text, size, inner.width, bold, min_size, inner.height)
        if whole and shown != text:
            shown, fitted = self.text.fit(text, fitted, inner.width, bold, 1, inner.height)
        size = fitted
        if not shown:
            _LOG.debug("nothing of %r fits a %dx%d box", text, box.width, box.height)
            return pygame.Rect(box.x, box.y, 0, 0)
        image = self.text.render(shown, size, colour, bold)
        rect = image.get_rect()
        rect.centery = inner.centery
        if align == "center":
            rect.centerx = inner.centerx
        elif align == "right":
            rect.right = inner.right
        else:
            rect.left = inner.left
        rect.clamp_ip(inner)
        self.target.blit(image, rect)
        self.placed[self.region].append(Placed(shown, rect, pygame.Rect(box), size))
        return rect

    def common_size(
        self, texts: list[str], box: pygame.Rect, size: int, bold: bool = False, min_size: int = 12
    ) -> int:
        """One size at which each text fits a box like ``box`` (a row of labels looks even);
        below ``min_size`` a text would rather be ellipsised than shrink further."""
        inner = box.inflate(-2 * MARGIN, -2 * MARGIN)
        if inner.width <= 0 or inner.height <= 0:
            return 1
        return self.text.fit_size(texts, size, inner.width, bold, min_size, inner.height)

    def image(self, image: pygame.Surface, box: pygame.Rect, label: str) -> pygame.Rect:
        """Draw an image scaled to fit a box, left-aligned and centred vertically."""
        scale = min(box.width / image.get_width(), box.height / image.get_height())
        size = (max(1, int(image.get_width() * scale)), max(1, int(image.get_height() * scale)))
        scaled = pygame.transform.smoothscale(image, size)
        rect = scaled.get_rect(midleft=box.midleft)
        self.target.blit(scaled, rect)
        self.placed[self.region].append(Placed(label, rect, pygame.Rect(box)))
        return rect


def rows(rect: pygame.Rect, count: int) -> list[pygame.Rect]:
    """A box split into ``count`` equal rows."""
    height = rect.height / max(1, count)
    return [
        pygame.Rect(rect.x, round(rect.y + i * height), rect.width, round(height))
        for i in range(count)
    ]


def cols(rect: pygame.Rect, count: int) -> list[pygame.Rect]:
    """A box split into ``count`` equal columns."""
    width = rect.width / max(1, count)
    return [
        pygame.Rect(round(rect.x + i * width), rect.y, round(width), rect.height)
        for i in range(count)
    ]


def split(rect: pygame.Rect, fraction: float) -> tuple[pygame.Rect, pygame.Rect]:
    """Top and bottom parts of a box, the top taking ``fraction`` of its height."""
    top_h = round(rect.height * fraction)
    return (
        pygame.Rect(rect.x, rect.y, rect.width, top_h),
        pygame.Rect(rect.x, rect.y + top_h, rect.width, rect.height - top_h),
    )


def split_h(rect: pygame.Rect, fraction: float) -> tuple[pygame.Rect, pygame.Rect]:
    """Left and right parts of a box, the left taking ``fraction`` of its width."""
    left_w = round(rect.width * fraction)
    return (
        pygame.Rect(rect.x, rect.y, left_w, rect.height),
        pygame.Rect(rect.x + left_w, rect.y, rect.width - left_w, rect.height),
    )
