"""Themes: the board's colours, images, fonts, sizes and proportions.

A branch writes one theme file and every lobby's config names it, so every screen of the
region looks the same (the branch plans decoration centrally). A theme file starts from a
built-in theme (``base``) and changes what it lists; its problems are reported like the
config's, one line per key.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.files import FONT_KINDS, IMAGE_KINDS, font_problem, image_problem
from config.reader import Reader

Colour = tuple[int, int, int]
HEX_RE = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class Palette:
    """The board's colours, by the part of the board they paint."""

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
    chip_bg: Colour
    count_fg: Colour
    badge_bg: Colour
    badge_fg: Colour
    marquee_bg: Colour
    marquee_fg: Colour
    page_bg: Colour
    page_title_fg: Colour
    page_text_fg: Colour


@dataclass(frozen=True)
class Proportions:
    """Shares of the screen each band takes; the same on every screen size."""

    header: float = 0.12
    """Header height, as a share of the screen height."""
    footer: float = 0.13
    """Waiting-counts band height."""
    marquee: float = 0.065
    """Marquee band height (only while a notice has marquee lines)."""
    hero: float = 0.6
    """The newest call's share: of the width on a landscape TV, of the body on a portrait one."""
    pages: float = 0.5
    """The information pages' share of the side column (only while there are pages)."""


@dataclass(frozen=True)
class ThemeFonts:
    """Fonts by path; none given: the system's CJK fonts are found and used."""

    regular: Path | None = None
    bold: Path | None = None
    fallback: tuple[Path, ...] = ()
    """Fonts to draw any character the main ones lack (no glyph ever shows as a box)."""


@dataclass(frozen=True)
class Theme:
    """Everything about the board's look."""

    name: str
    colours: Palette
    proportions: Proportions = field(default_factory=Proportions)
    fonts: ThemeFonts = field(default_factory=ThemeFonts)
    background_image: Path | None = None
    logo: Path | None = None
    ticket_scale: float = 1.0
    """Size of the newest ticket relative to its box (0.5-1.2)."""
    marquee_speed: float = 0.08
    """Marquee speed in screen widths per second."""
    marquee_fps: int = 25
    """Marquee frames per second: smooth (a TV's own rate in PAL lands) but cheap."""
    page_seconds: float = 12.0
    """How long each information page stays."""


def _hex(value: str) -> Colour:
    return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))


_DEFAULT = Palette(
    background=_hex("#09203f"),
    header_bg=_hex("#04162e"),
    header_fg=_hex("#ffffff"),
    header_sub_fg=_hex("#a8c0de"),
    hero_bg=_hex("#0d2d58"),
    hero_flash_bg=_hex("#f0b429"),
    ticket_fg=_hex("#ffd65c"),
    ticket_flash_fg=_hex("#09203f"),
    hero_text_fg=_hex("#ffffff"),
    panel_bg=_hex("#09203f"),
    panel_title_fg=_hex("#a8c0de"),
    row_ticket_fg=_hex("#ffffff"),
    row_text_fg=_hex("#d2e0f0"),
    row_alt_bg=_hex("#0e294c"),
    footer_bg=_hex("#04162e"),
    footer_fg=_hex("#d2e0f0"),
    chip_bg=_hex("#0d2d58"),
    count_fg=_hex("#ffd65c"),
    badge_bg=_hex("#5c687a"),
    badge_fg=_hex("#ffffff"),
    marquee_bg=_hex("#f0b429"),
    marquee_fg=_hex("#04162e"),
    page_bg=_hex("#0d2d58"),
    page_title_fg=_hex("#ffd65c"),
    page_text_fg=_hex("#ffffff"),
)

BUILT_IN: dict[str, Theme] = {
    "default": Theme("default", _DEFAULT),
    "dark": Theme(
        "dark",
        dataclasses.replace(
            _DEFAULT,
            background=_hex("#101012"),
            header_bg=_hex("#000000"),
            header_fg=_hex("#f0f0f0"),
            header_sub_fg=_hex("#969696"),
            hero_bg=_hex("#1c1c20"),
            hero_flash_bg=_hex("#c41e3a"),
            ticket_fg=_hex("#ff5050"),
            ticket_flash_fg=_hex("#ffffff"),
            hero_text_fg=_hex("#f0f0f0"),
            panel_bg=_hex("#101012"),
            panel_title_fg=_hex("#969696"),
            row_ticket_fg=_hex("#ffffff"),
            row_text_fg=_hex("#c8c8c8"),
            row_alt_bg=_hex("#1a1a1e"),
            footer_bg=_hex("#000000"),
            footer_fg=_hex("#c8c8c8"),
            chip_bg=_hex("#1c1c20"),
            count_fg=_hex("#ff5050"),
            badge_bg=_hex("#46464c"),
            badge_fg=_hex("#f0f0f0"),
            marquee_bg=_hex("#1c1c20"),
            marquee_fg=_hex("#ff5050"),
            page_bg=_hex("#1c1c20"),
            page_title_fg=_hex("#ff5050"),
            page_text_fg=_hex("#f0f0f0"),
        ),
    ),
    "light": Theme(
        "light",
        dataclasses.replace(
            _DEFAULT,
            background=_hex("#f4f6f8"),
            header_bg=_hex("#005e47"),
            header_fg=_hex("#ffffff"),
            header_sub_fg=_hex("#c8e8dc"),
            hero_bg=_hex("#ffffff"),
            hero_flash_bg=_hex("#005e47"),
            ticket_fg=_hex("#005e47"),
            ticket_flash_fg=_hex("#ffffff"),
            hero_text_fg=_hex("#1e2830"),
            panel_bg=_hex("#f4f6f8"),
            panel_title_fg=_hex("#5a646e"),
            row_ticket_fg=_hex("#005e47"),
            row_text_fg=_hex("#1e2830"),
            row_alt_bg=_hex("#e8ecf0"),
            footer_bg=_hex("#005e47"),
            footer_fg=_hex("#ffffff"),
            chip_bg=_hex("#0b7358"),
            count_fg=_hex("#ffe68c"),
            badge_bg=_hex("#78828c"),
            badge_fg=_hex("#ffffff"),
            marquee_bg=_hex("#e8ecf0"),
            marquee_fg=_hex("#005e47"),
            page_bg=_hex("#ffffff"),
            page_title_fg=_hex("#005e47"),
            page_text_fg=_hex("#1e2830"),
        ),
    ),
}


def _colour(value: Any) -> bool:
    if isinstance(value, str):
        return bool(HEX_RE.fullmatch(value))
    return (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in value)
    )


def _as_colour(value: str | list[int]) -> Colour:
    return _hex(value) if isinstance(value, str) else (value[0], value[1], value[2])


def _image(r: Reader, name: str, base: Path) -> Path | None:
    return r.file(name, base, image_problem, f"an image file ({IMAGE_KINDS})")


def _font(r: Reader, name: str, base: Path) -> Path | None:
    return r.file(name, base, font_problem, f"a font file ({FONT_KINDS})")


def _palette(r: Reader, start: Palette) -> Palette:
    changes: dict[str, Colour] = {}
    for name in (f.name for f in dataclasses.fields(Palette)):
        value = r.get(name, _colour, 'a colour like "#0d2d58" or [13, 45, 88]', None)
        if value is not None:
            changes[name] = _as_colour(value)
    r.finish()
    return dataclasses.replace(start, **changes)


def _proportions(r: Reader, start: Proportions) -> Proportions:
    limits = {
        "header": (0.05, 0.25),
        "footer": (0.05, 0.3),
        "marquee": (0.03, 0.15),
        "hero": (0.3, 0.8),
        "pages": (0.2, 0.8),
    }
    values = {
        name: r.number(name, getattr(start, name), low, high)
        for name, (low, high) in limits.items()
    }
    r.finish()
    return Proportions(**values)


def _fonts(r: Reader, base: Path) -> ThemeFonts:
    fallback: list[str] = r.get(
        "fallback",
        lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
        "a list of font file paths",
        [],
    )
    paths = []
    for i, text in enumerate(fallback):
        path = base / text
        why = font_problem(path)
        if why is None:
            paths.append(path)
        else:
            r.problem(f"fallback[{i}]", str(path), f"a font file ({FONT_KINDS}), but {why}")
    fonts = ThemeFonts(_font(r, "regular", base), _font(r, "bold", base), tuple(paths))
    r.finish()
    return fonts


def parse_theme(data: dict[str, Any], base: Path, problems: list[str], where: str) -> Theme:
    """A theme file's table, on top of its ``base`` built-in theme."""
    r = Reader(data, where, problems)
    start = BUILT_IN[
        r.text("base", "default", re.compile("|".join(BUILT_IN)), " or ".join(BUILT_IN))
    ]
    theme = Theme(
        name=r.text("name", start.name),
        colours=_palette(r.table("colours"), start.colours),
        proportions=_proportions(r.table("proportions"), start.proportions),
        fonts=_fonts(r.table("fonts"), base),
        background_image=_image(r, "background_image", base),
        logo=_image(r, "logo", base),
        ticket_scale=r.number("ticket_scale", start.ticket_scale, 0.5, 1.2),
        marquee_speed=r.number("marquee_speed", start.marquee_speed, 0.01, 1.0),
        marquee_fps=r.integer("marquee_fps", start.marquee_fps, 5, 60),
        page_seconds=r.number("page_seconds", start.page_seconds, 3, 600),
    )
    r.finish()
    return theme


def load_theme(path: Path, problems: list[str], where: str = "display.theme") -> Theme:
    """A theme file, or the default theme with the file's problems added to ``problems``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        problems.append(f"{where}: cannot read the theme file {path}: {exc.strerror}")
        return BUILT_IN["default"]
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems.append(f"{where}: the theme file {path} is not valid TOML: {exc}")
        return BUILT_IN["default"]
    return parse_theme(data, path.parent, problems, f"{path.name}: ")
