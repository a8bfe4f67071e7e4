"""Text with a Latin main font: spaces and separators come from a face that has them, and
text is fitted by height as well as width."""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame.freetype
import pytest

from config.theme import ThemeFonts
from display.fonts import FontChoice, FontFace, find_fonts, last_resort
from display.text import ELLIPSIS, GAP, TextCache

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SEPARATORS = ["\u3000", " ", "\u00a0", "·", "…", "◆", "•", "–", "，"]
WHITE = (255, 255, 255)


def face_of(choice: FontChoice, index: int) -> pygame.freetype.Font:
    face = choice.regular if index < 0 else choice.fallback[index]
    return pygame.freetype.Font(str(face.path), 0, font_index=face.index)


def notdef(face: FontFace, size: int) -> pygame.Surface:
    """What a face draws for a character it lacks: its .notdef glyph, a box."""
    font = pygame.freetype.Font(str(face.path), 0, font_index=face.index)
    font.pad = False
    return font.render("\ue000", WHITE, size=size)[0]  # a private-use point no font has


@pytest.fixture(scope="module", autouse=True)
def freetype():
    pygame.freetype.init()


@pytest.mark.parametrize(
    "choice",
    [find_fonts(theme=ThemeFonts(regular=DEJAVU)), last_resort()],
    ids=["theme-dejavu", "pygame-own-font"],
)
def test_every_separator_goes_to_a_face_that_has_it(choice: FontChoice) -> None:
    text = TextCache(choice)
    for char in SEPARATORS:
        for bold in (False, True):
            runs = text.runs(f"A{char}B", bold)
            faces = [index for index, run in runs if char in run]
            assert faces, f"{char!r} was left out"
            if faces[0] == GAP:
                continue  # no face here has it: an empty advance, never a box
            metrics = face_of(choice, faces[0]).get_metrics(char, size=16)
            assert metrics[0] is not None, f"{char!r} went to a face without it: a box"


def test_a_latin_theme_font_draws_the_marquee_gap_without_boxes() -> None:
    """The marquee's "　　◆　　": DejaVu has "◆" but no ideographic space, so the spaces
    come from the CJK font; the ink is the "◆" alone, as DejaVu draws it."""
    choice = find_fonts(theme=ThemeFonts(regular=DEJAVU))
    text = TextCache(choice)
    drawn = text.render("　　◆　　", 40, WHITE)
    diamond = text.render("◆", 40, WHITE)
    assert drawn.get_bounding_rect().size == diamond.get_size()
    assert drawn.get_width() >= 4 * 40  # four ideographic spaces, an em each
    box = notdef(choice.regular, 40)
    assert box.get_bounding_rect().width > 0  # DejaVu's box has ink: what we no longer draw
    assert text.render("\u3000", 40, WHITE).get_bounding_rect().width == 0


def test_whitespace_no_font_has_is_an_empty_gap_not_a_box() -> None:
    own = last_resort().regular
    alone = TextCache(FontChoice(own, own))  # pygame's font and nothing to back it up
    assert [index for index, _ in alone.runs("A\u3000B")] == [-1, GAP, -1]
    drawn = alone.render("A\u3000B", 40, WHITE)
    a, b = alone.render("A", 40, WHITE), alone.render("B", 40, WHITE)
    assert drawn.get_width() >= a.get_width() + 40 + b.get_width() - 4  # an em between
    middle = drawn.subsurface((a.get_width() + 2, 0, 34, drawn.get_height()))
    assert middle.get_bounding_rect().width == 0  # nothing drawn where the box would be
    assert notdef(own, 40).get_bounding_rect().width > 0


def test_a_space_stays_with_the_fallback_run_around_it() -> None:
    text = TextCache(find_fonts(theme=ThemeFonts(regular=DEJAVU)))
    assert [index for index, _ in text.runs("客户 服务")] == [0]  # one piece, not three


@pytest.fixture(scope="module")
def text():
    return TextCache(find_fonts())


def test_fit_keeps_a_text_within_the_height_of_its_box(text) -> None:
    shown, size = text.fit("A023", 200, 2000, True, box_height=50)
    assert shown == "A023" and text.height(shown, size, True) <= 50
    assert text.height(shown, size + 4, True) > 50  # and no smaller than it must be


def test_fit_ellipsises_to_the_width_and_never_overflows(text) -> None:
    long = "Counter 7 (general business, claims, policy changes and renewals)"
    shown, size = text.fit(long, 40, 300, min_size=20, box_height=60)
    assert shown.endswith(ELLIPSIS) and size == 20
    assert text.width(shown, size) <= 300
    assert text.width(shown[:-1] + shown[-1], size) <= 300
    assert text.fit("客户服务", 40, 3, min_size=20) == ("", 20)  # not even "…" fits


def test_one_size_for_a_row_respects_every_box(text) -> None:
    size = text.fit_size(["请到 3号窗口", "Please go to Counter 3"], 80, 500, True, 12, 40)
    for line in ("请到 3号窗口", "Please go to Counter 3"):
        width, height = text.extent(line, size, True)
        assert width <= 500 and height <= 40
