"""What a file named in the config really is: fonts, images and databases by their bytes."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pygame
import pytest

from config.files import font_problem, image_problem, sqlite_problem
from display.fonts import DEJAVU, KNOWN_FONTS, last_resort

# The smallest GIF there is (1x1), as browsers' spacer images were written.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose header claims a size (its pixels are never decoded here)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def installed_fonts() -> list[Path]:
    faces = [choice.regular.path for choice in KNOWN_FONTS] + [DEJAVU.path]
    return [path for path in faces if path.is_file()]


def test_the_fonts_the_board_uses_are_fonts() -> None:
    assert installed_fonts(), "no font installed to test with"
    for path in [*installed_fonts(), last_resort().regular.path]:
        assert font_problem(path) is None, path


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"root:x:0:0:root:/root:/bin/bash\n", "it is not a font"),
        (b"", "it is not a font"),
        (b"ttcf\x00\x01\x00\x00\x00\x00\x00\x00", "it holds no fonts"),
        (b"wOFF" + bytes(40), "it is cut short"),
    ],
)
def test_what_is_not_a_font_is_named(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "font.ttf"
    path.write_bytes(content)
    assert font_problem(path) == reason


def test_a_font_cut_short_by_a_failed_copy_is_named(tmp_path: Path) -> None:
    whole = installed_fonts()[0].read_bytes()
    for cut in (12, len(whole) // 2):
        path = tmp_path / "cut.ttc"
        path.write_bytes(whole[:cut])
        assert font_problem(path) == "it is cut short", cut


def test_missing_files_and_folders_are_said_as_such(tmp_path: Path) -> None:
    assert font_problem(tmp_path / "nope.ttf") == "there is no such file"
    assert font_problem(tmp_path) == "it is a folder"
    assert image_problem(tmp_path) == "it is a folder"


def test_every_kind_of_image_pygame_loads_passes(tmp_path: Path) -> None:
    surface = pygame.Surface((40, 20))
    for name in ("a.png", "a.jpg", "a.bmp"):
        pygame.image.save(surface, str(tmp_path / name))
    (tmp_path / "a.gif").write_bytes(GIF)
    for name in ("a.png", "a.jpg", "a.bmp", "a.gif"):
        assert image_problem(tmp_path / name) is None, name
        assert pygame.image.load(str(tmp_path / name)).get_width() > 0  # and pygame agrees


def test_images_cut_short_damaged_or_not_images_are_named(tmp_path: Path) -> None:
    surface = pygame.Surface((40, 20))
    for name in ("a.png", "a.jpg", "a.bmp"):
        pygame.image.save(surface, str(tmp_path / name))
    (tmp_path / "a.gif").write_bytes(GIF)
    for name in ("a.png", "a.jpg", "a.bmp", "a.gif"):
        whole = (tmp_path / name).read_bytes()
        (tmp_path / name).write_bytes(whole[: len(whole) * 2 // 3])
        assert image_problem(tmp_path / name) == "it is cut short", name
    damaged = bytearray(png_claiming(10, 10))
    damaged[20] ^= 0xFF  # inside IHDR: its checksum no longer matches
    (tmp_path / "d.png").write_bytes(bytes(damaged))
    assert image_problem(tmp_path / "d.png") == "it is damaged"
    (tmp_path / "page.png").write_text("<html>not found</html>")
    assert image_problem(tmp_path / "page.png") == "it is not an image"


def test_an_image_too_large_to_hold_is_refused_before_it_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(png_claiming(30000, 30000))  # 3.6 GB once decoded
    assert image_problem(tmp_path / "big.png") == (
        "it is 30000x30000 pixels, more than a 7680x4320 screen"
    )
    (tmp_path / "4k.png").write_bytes(png_claiming(3840, 2160))
    assert image_problem(tmp_path / "4k.png") is None


def test_a_queue_database_is_sqlite_or_not_there_yet(tmp_path: Path) -> None:
    import sqlite3

    assert sqlite_problem(tmp_path / "new.sqlite3") is None
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    assert sqlite_problem(tmp_path / "empty.sqlite3") is None
    sqlite3.connect(tmp_path / "real.sqlite3").execute("CREATE TABLE t (x)").connection.close()
    assert sqlite_problem(tmp_path / "real.sqlite3") is None
    (tmp_path / "notes.txt").write_text("tickets")
    assert sqlite_problem(tmp_path / "notes.txt") == "it is not an SQLite database"
    assert sqlite_problem(tmp_path) == "it is a folder"
