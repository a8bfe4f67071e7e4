"""Finding a font that draws Chinese, on the system, by path.

Debian ships two good families: Noto Sans CJK (fonts-noto-cjk; its .ttc holds the Japanese,
Korean, Simplified and Traditional Chinese faces, and index 2 is Simplified Chinese) and
WenQuanYi Zen Hei (fonts-wqy-zenhei, smaller, for a Pi with little storage).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from config.theme import ThemeFonts
from lobby.errors import FontError

_LOG = logging.getLogger(__name__)

INSTALL_HINT = (
    "install Debian's fonts-noto-cjk (or fonts-wqy-zenhei): sudo apt install fonts-noto-cjk"
)


@dataclass(frozen=True)
class FontFace:
    """One face inside a font file."""

    path: Path
    index: int = 0


@dataclass(frozen=True)
class FontChoice:
    """The regular and bold faces the board draws with, and faces for missing glyphs."""

    regular: FontFace
    bold: FontFace
    fallback: tuple[FontFace, ...] = ()


_NOTO = Path("/usr/share/fonts/opentype/noto")
_WQY = Path("/usr/share/fonts/truetype/wqy")
DEJAVU = FontFace(Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
KNOWN_FONTS = (
    FontChoice(
        FontFace(_NOTO / "NotoSansCJK-Regular.ttc", 2), FontFace(_NOTO / "NotoSansCJK-Bold.ttc", 2)
    ),
    FontChoice(FontFace(_WQY / "wqy-zenhei.ttc"), FontFace(_WQY / "wqy-zenhei.ttc")),
    FontChoice(FontFace(_WQY / "wqy-microhei.ttc"), FontFace(_WQY / "wqy-microhei.ttc")),
)


def _fontconfig_choice() -> FontChoice | None:
    """Ask fontconfig for any Simplified Chinese font (other distributions, other paths)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        result = subprocess.run(
            [fc_match, "--format=%{file}\n%{index}\n%{lang}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = result.stdout.split("\n")
    if len(lines) < 3 or "zh-cn" not in lines[2].split("|"):
        return None  # fontconfig's best match for Chinese cannot draw Chinese
    path = Path(lines[0])
    if not path.is_file():
        return None
    face = FontFace(path, int(lines[1]) if lines[1].isdigit() else 0)
    return FontChoice(face, face)


def _face_for(path: Path) -> FontFace:
    return FontFace(path, 2 if path.name.startswith("NotoSansCJK") else 0)


def _primary(override: Path | None, theme: ThemeFonts) -> FontChoice:
    if override is not None:
        if not override.is_file():
            raise FontError(f"the configured font {override} does not exist; {INSTALL_HINT}")
        return FontChoice(_face_for(override), _face_for(override))
    if theme.regular is not None:
        bold = theme.bold or theme.regular
        return FontChoice(_face_for(theme.regular), _face_for(bold))
    for choice in KNOWN_FONTS:
        if choice.regular.path.is_file() and choice.bold.path.is_file():
            return choice
    found = _fontconfig_choice()
    if found is not None:
        _LOG.info("using %s, found by fontconfig", found.regular.path)
        return found
    raise FontError(f"no font that can draw Chinese was found; {INSTALL_HINT}")


def last_resort() -> FontChoice:
    """pygame's own font (Latin only): a board that shows numbers beats a dark screen.

    It has no "◆", no-break space or ideographic space: whatever else is installed (a CJK
    font the config did not name, DejaVu) backs it up, as in ``find_fonts``.
    """
    import pygame.font

    path = Path(pygame.font.__file__).with_name(pygame.font.get_default_font())
    return FontChoice(FontFace(path), FontFace(path), _installed_fallback())


def _installed_fallback() -> tuple[FontFace, ...]:
    faces = [choice.regular for choice in KNOWN_FONTS if choice.regular.path.is_file()]
    return (*faces, DEJAVU) if DEJAVU.path.is_file() else tuple(faces)


def find_fonts(override: Path | None = None, theme: ThemeFonts | None = None) -> FontChoice:
    """The configured font, else the theme's, else the first CJK font installed.

    Every other CJK font installed, and DejaVu Sans for symbols, follow as fallbacks, so a
    character the main font lacks is drawn by another instead of showing as a box.
    """
    theme = theme or ThemeFonts()
    main = _primary(override, theme)
    fallback = [_face_for(path) for path in theme.fallback]
    fallback += _installed_fallback()
    unique = tuple(dict.fromkeys(f for f in fallback if f != main.regular))
    return FontChoice(main.regular, main.bold, unique)
