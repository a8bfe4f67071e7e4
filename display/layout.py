"""Where each part of the board goes, as proportions of the screen, for any size.

Landscape TVs put the newest call on the left and the recent calls on the right;
a TV hung vertically stacks them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame


@dataclass(frozen=True)
class Layout:
    """The board's regions in pixels."""

    size: tuple[int, int]
    header: pygame.Rect
    hero: pygame.Rect
    recent: pygame.Rect
    footer: pygame.Rect

    @property
    def unit(self) -> int:
        """A type size that scales with the screen: 1/40 of its shorter side."""
        return max(8, min(self.size) // 40)

    @property
    def portrait(self) -> bool:
        return self.size[1] > self.size[0]


def board_layout(width: int, height: int) -> Layout:
    header_h = round(height * (0.08 if height > width else 0.12))
    footer_h = round(height * (0.09 if height > width else 0.13))
    body_top, body_h = header_h, height - header_h - footer_h
    header = pygame.Rect(0, 0, width, header_h)
    footer = pygame.Rect(0, height - footer_h, width, footer_h)
    if height > width:
        hero_h = round(body_h * 0.45)
        hero = pygame.Rect(0, body_top, width, hero_h)
        recent = pygame.Rect(0, body_top + hero_h, width, body_h - hero_h)
    else:
        hero_w = round(width * 0.6)
        hero = pygame.Rect(0, body_top, hero_w, body_h)
        recent = pygame.Rect(hero_w, body_top, width - hero_w, body_h)
    return Layout((width, height), header, hero, recent, footer)
