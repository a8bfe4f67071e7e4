"""Theme files: a branch's look, checked like the config."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from config import EXAMPLE, load_config
from config.theme import BUILT_IN
from lobby.errors import ConfigError

THEME = """
name = "Hangzhou branch"
base = "light"
logo = "logo.png"
background_image = "hall.png"
ticket_scale = 0.9
[colours]
hero_bg = "#123456"
ticket_fg = [250, 200, 10]
[proportions]
hero = 0.55
[fonts]
regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
"""


def lobby_with_theme(tmp_path: Path, theme_text: str) -> Path:
    pygame.image.save(pygame.Surface((40, 20)), str(tmp_path / "logo.png"))
    pygame.image.save(pygame.Surface((64, 36)), str(tmp_path / "hall.png"))
    (tmp_path / "branch.toml").write_text(theme_text, encoding="utf-8")
    config = EXAMPLE.read_text(encoding="utf-8").replace(
        'theme = "default"', 'theme = "branch.toml"'
    )
    path = tmp_path / "callboard.toml"
    path.write_text(config, encoding="utf-8")
    return path


def test_a_theme_file_changes_what_it_lists_over_its_base(tmp_path: Path) -> None:
    theme = load_config(lobby_with_theme(tmp_path, THEME)).display.theme
    light = BUILT_IN["light"].colours
    assert theme.name == "Hangzhou branch"
    assert theme.colours.hero_bg == (0x12, 0x34, 0x56)
    assert theme.colours.ticket_fg == (250, 200, 10)
    assert theme.colours.background == light.background
    assert theme.proportions.hero == 0.55 and theme.proportions.header == 0.12
    assert theme.logo == tmp_path / "logo.png"
    assert theme.background_image == tmp_path / "hall.png"
    assert theme.ticket_scale == 0.9
    assert theme.fonts.regular is not None and theme.fonts.regular.name == "DejaVuSans.ttf"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('hero_bg = "#123456"', 'hero_bg = "navy"', "branch.toml: colours.hero_bg: found a string"),
        ('hero_bg = "#123456"', 'hero_bgg = "#1"', "branch.toml: colours.hero_bgg: unknown key"),
        ("hero = 0.55", "hero = 2", "branch.toml: proportions.hero: found an integer 2, expected"),
        ('logo = "logo.png"', 'logo = "nope.png"', "branch.toml: logo: found a string"),
        ('base = "light"', 'base = "pink"', "branch.toml: base: found a string 'pink'"),
        ("ticket_scale = 0.9", "ticket_scale = 3", "branch.toml: ticket_scale: found an integer 3"),
    ],
)
def test_each_theme_mistake_is_one_line_naming_the_file_and_key(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = lobby_with_theme(tmp_path, THEME.replace(old, new))
    with pytest.raises(ConfigError) as failed:
        load_config(path)
    assert any(p.startswith(expected) for p in failed.value.problems), failed.value.problems


def test_a_missing_theme_file_is_named(tmp_path: Path) -> None:
    path = lobby_with_theme(tmp_path, THEME)
    (tmp_path / "branch.toml").unlink()
    with pytest.raises(ConfigError) as failed:
        load_config(path)
    assert failed.value.problems == [
        "display.theme: found a string 'branch.toml', expected default, dark, light or an "
        "existing theme file (.toml)"
    ]


def test_the_shipped_branch_theme_loads(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    shipped = EXAMPLE.parent / "themes" / "branch.toml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace('theme = "default"', f'theme = "{shipped}"'),
        encoding="utf-8",
    )
    theme = load_config(path).display.theme
    assert theme.name == "Branch green"
    assert theme.colours.header_bg == (0, 0x5E, 0x47)


def test_theme_images_and_fonts_must_really_be_images_and_fonts(tmp_path: Path) -> None:
    """A web page saved as logo.png, or a font that is a text file, is named at load time,
    not found by the screen when it draws its first frame."""
    (tmp_path / "notes.txt").write_text("not a font", encoding="utf-8")
    text = THEME.replace('regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"', "")
    text = text.replace("[fonts]", '[fonts]\nbold = "notes.txt"\nfallback = ["logo.png"]')
    path = lobby_with_theme(tmp_path, text)
    (tmp_path / "hall.png").write_text("<html>404</html>", encoding="utf-8")
    with pytest.raises(ConfigError) as failed:
        load_config(path)
    assert failed.value.problems == [
        f"branch.toml: fonts.fallback[0]: found a string '{tmp_path / 'logo.png'}', expected a "
        "font file (TrueType, OpenType, TTC or WOFF), but it is not a font",
        f"branch.toml: fonts.bold: found a string '{tmp_path / 'notes.txt'}', expected a font "
        "file (TrueType, OpenType, TTC or WOFF), but it is not a font",
        f"branch.toml: background_image: found a string '{tmp_path / 'hall.png'}', expected an "
        "image file (PNG, JPEG, BMP or GIF), but it is not an image",
    ]
