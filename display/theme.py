"""Colours of the board. A branch picks one theme so every lobby looks the same."""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    """The board's colours, by the part of the board they paint."""

    name: str
    background: Colour
    header_bg: Colour
    header_fg: Colour
    header_sub_fg: Colour
    hero_bg: Colour
    hero_flash_bg: Colour
    ticket_fg: Colour
    ticket_flash_fg: Colour
    hero_text_fg: Colour
    panel_bg: Colour
    panel_title_fg: Colour
    row_ticket_fg: Colour
    row_text_fg: Colour
    row_alt_bg: Colour
    footer_bg: Colour
    footer_fg: Colour
    count_fg: Colour
    badge_bg: Colour
    badge_fg: Colour


THEMES: dict[str, Theme] = {
    "default": Theme(
        name="default",
        background=(9, 32, 63),
        header_bg=(4, 22, 46),
        header_fg=(255, 255, 255),
        header_sub_fg=(168, 192, 222),
        hero_bg=(13, 45, 88),
        hero_flash_bg=(240, 180, 41),
        ticket_fg=(255, 214, 92),
        ticket_flash_fg=(9, 32, 63),
        hero_text_fg=(255, 255, 255),
        panel_bg=(9, 32, 63),
        panel_title_fg=(168, 192, 222),
        row_ticket_fg=(255, 255, 255),
        row_text_fg=(210, 224, 240),
        row_alt_bg=(14, 41, 76),
        footer_bg=(4, 22, 46),
        footer_fg=(210, 224, 240),
        count_fg=(255, 214, 92),
        badge_bg=(92, 104, 122),
        badge_fg=(255, 255, 255),
    ),
    "dark": Theme(
        name="dark",
        background=(16, 16, 18),
        header_bg=(0, 0, 0),
        header_fg=(240, 240, 240),
        header_sub_fg=(150, 150, 150),
        hero_bg=(28, 28, 32),
        hero_flash_bg=(196, 30, 58),
        ticket_fg=(255, 80, 80),
        ticket_flash_fg=(255, 255, 255),
        hero_text_fg=(240, 240, 240),
        panel_bg=(16, 16, 18),
        panel_title_fg=(150, 150, 150),
        row_ticket_fg=(255, 255, 255),
        row_text_fg=(200, 200, 200),
        row_alt_bg=(26, 26, 30),
        footer_bg=(0, 0, 0),
        footer_fg=(200, 200, 200),
        count_fg=(255, 80, 80),
        badge_bg=(70, 70, 76),
        badge_fg=(240, 240, 240),
    ),
    "light": Theme(
        name="light",
        background=(244, 246, 248),
        header_bg=(0, 94, 71),
        header_fg=(255, 255, 255),
        header_sub_fg=(200, 232, 220),
        hero_bg=(255, 255, 255),
        hero_flash_bg=(0, 94, 71),
        ticket_fg=(0, 94, 71),
        ticket_flash_fg=(255, 255, 255),
        hero_text_fg=(30, 40, 48),
        panel_bg=(244, 246, 248),
        panel_title_fg=(90, 100, 110),
        row_ticket_fg=(0, 94, 71),
        row_text_fg=(30, 40, 48),
        row_alt_bg=(232, 236, 240),
        footer_bg=(0, 94, 71),
        footer_fg=(255, 255, 255),
        count_fg=(255, 230, 140),
        badge_bg=(120, 130, 140),
        badge_fg=(255, 255, 255),
    ),
}


def theme_named(name: str) -> Theme:
    """A built-in theme (the config loader has already checked the name)."""
    return THEMES[name]
