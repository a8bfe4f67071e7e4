"""Drawing on the board: fitted text, backgrounds, boxes, and a log of what was drawn.

The log (region -> strings and their rectangles) lets tests, previews and support say
what the screen shows without reading pixels, and lets the painter check that nothing
leaves its region.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from config.theme import Colour, Palette
from display.text import TextCache


class Canvas:
    """The screen surface with the tools every region draws with."""

    def __init__(self, text: TextCache, colours: Palette) -> None:
        self.text = text
        self.colours = colours
        self.surface: pygame.Surface | None = None
        self.background: pygame.Surface | None = None
        self.drawn: dict[str, list[tuple[str, pygame.Rect]]] = {}
        self.region = ""

    def use_background(self, image: Path | None, size: tuple[int, int]) -> None:
        """Load the theme's background image scaled to the screen (once per size)."""
        self.background = None
        if image is not None:
            loaded = pygame.image.load(str(image))
            self.background = pygame.transform.smoothscale(
                loaded.convert() if pygame.display.get_surface() else loaded, size
            )

    def begin(self, surface: pygame.Surface, region: str) -> None:
        self.surface = surface
        self.region = region
        self.drawn[region] = []

    @property
    def target(self) -> pygame.Surface:
        assert self.surface is not None, "begin() first"
        return self.surface

    def clear(self, rect: pygame.Rect, colour: Colour) -> None:
        """Restore a region's backdrop: the theme's image, else its colour."""
        if self.background is not None:
            self.target.blit(self.background, rect, rect)
        else:
            self.target.fill(colour, rect)

    def fill(self, rect: pygame.Rect, colour: Colour, radius: int = 0) -> None:
        if radius:
            pygame.draw.rect(self.target, colour, rect, border_radius=radius)
        else:
            self.target.fill(colour, rect)

    def put(
        self,
        text: str,
        box: pygame.Rect,
        size: int,
        colour: Colour,
        bold: bool = False,
        align: str = "left",
        exact: bool = False,
    ) -> pygame.Rect:
        """Draw text in a box, centred vertically; shrink, then ellipsise, to fit its width.

        ``exact`` draws at ``size`` without fitting (the caller fitted a row together).
        """
        if not text or box.width <= 0 or box.height <= 0:
            return pygame.Rect(box.x, box.y, 0, 0)
        if not exact:
            text, size = self.text.fit(text, size, box.width, bold, min_size=max(10, size // 3))
        image = self.text.render(text, size, colour, bold)
        rect = image.get_rect()
        rect.centery = box.centery
        if align == "center":
            rect.centerx = box.centerx
        elif align == "right":
            rect.right = box.right
        else:
            rect.left = box.left
        rect.clamp_ip(box)
        self.target.blit(image, rect)
        self.drawn[self.region].append((text, rect))
        return rect

    def image(self, image: pygame.Surface, box: pygame.Rect, label: str) -> pygame.Rect:
        """Draw an image scaled to fit a box, left-aligned and centred vertically."""
        scale = min(box.width / image.get_width(), box.height / image.get_height())
        size = (max(1, int(image.get_width() * scale)), max(1, int(image.get_height() * scale)))
        scaled = pygame.transform.smoothscale(image, size)
        rect = scaled.get_rect(midleft=box.midleft)
        self.target.blit(scaled, rect)
        self.drawn[self.region].append((label, rect))
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
