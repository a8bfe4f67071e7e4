"""Where each part of the board goes, from the theme's proportions, for any screen size.

A landscape TV puts the newest call on the left and the recent calls (with the information
pages under them) on the right; a TV hung vertically stacks everything. The marquee band
and the pages take room only while a notice has them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from config.theme import Proportions

PORTRAIT_BAND = 0.66  # a tall screen needs a smaller share of its height for the same band


@dataclass(frozen=True)
class Layout:
    """The board's regions in pixels."""

    size: tuple[int, int]
    header: pygame.Rect
    hero: pygame.Rect
    recent: pygame.Rect
    pages: pygame.Rect | None
    marquee: pygame.Rect | None
    footer: pygame.Rect

    @property
    def unit(self) -> int:
        """A spacing that scales with the screen: 1/40 of its shorter side."""
        return max(6, min(self.size) // 40)


def board_layout(
    width: int, height: int, shares: Proportions, marquee: bool = False, pages: bool = False
) -> Layout:
    portrait = height > width
    band = PORTRAIT_BAND if portrait else 1.0
    header_h = round(height * shares.header * band)
    footer_h = round(height * shares.footer * (0.9 if portrait else 1.0))
    marquee_h = round(height * shares.marquee * band) if marquee else 0
    header = pygame.Rect(0, 0, width, header_h)
    footer = pygame.Rect(0, height - footer_h, width, footer_h)
    marquee_rect = pygame.Rect(0, footer.top - marquee_h, width, marquee_h) if marquee else None
    body = pygame.Rect(0, header_h, width, height - header_h - footer_h - marquee_h)
    if portrait:
        hero = pygame.Rect(body.x, body.y, width, round(body.height * shares.hero * 0.75))
        side = pygame.Rect(body.x, hero.bottom, width, body.bottom - hero.bottom)
    else:
        hero = pygame.Rect(body.x, body.y, round(width * shares.hero), body.height)
        side = pygame.Rect(hero.right, body.y, width - hero.width, body.height)
    if pages:
        pages_h = round(side.height * shares.pages)
        recent = pygame.Rect(side.x, side.y, side.width, side.height - pages_h)
        pages_rect: pygame.Rect | None = pygame.Rect(side.x, recent.bottom, side.width, pages_h)
    else:
        recent, pages_rect = side, None
    return Layout((width, height), header, hero, recent, pages_rect, marquee_rect, footer)
