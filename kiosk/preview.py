"""What a printer would put on paper, read back from the bytes it was sent.

``callboard ticket --print --printer file:t.bin`` keeps the very bytes a printer gets;
this reads the commands the ticket uses (python-escpos's raster bands, GS v 0; text with
sizes, GS !; feeds; cuts) and draws the paper, so a ticket can be looked at without a
printer. Commands it does not know are counted and skipped, never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame
from PIL import Image, ImageOps

from display.text import TextCache

ESC, GS, FS, DLE, LF = 0x1B, 0x1D, 0x1C, 0x10, 0x0A
ONE_ARGUMENT_ESC = b"!-3EGJMSUVat{"
ONE_ARGUMENT_GS = b"BHbfhw"
LINE_DOTS = 30
"""A text line's advance at normal size (ESC 2, about 1/6 inch)."""
FONT_DOTS = 24
"""The printer's font A: 12 x 24 dots."""
BLACK, WHITE, GREY = (0, 0, 0), (255, 255, 255), (150, 150, 150)


@dataclass(frozen=True)
class TextRow:
    text: str
    width: int
    height: int
    bold: bool
    align: int


@dataclass
class Paper:
    """What the bytes print, top to bottom."""

    pieces: list[object] = field(default_factory=list)
    """pygame Surfaces (images), TextRows, ints (blank dots) and "cut"."""
    bands: int = 0
    text_rows: int = 0
    cuts: int = 0
    unknown: int = 0


class _Reader:
    """The walk through the bytes, with the printer's current text settings."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0
        self.paper = Paper()
        self.line = bytearray()
        self.size = (1, 1)
        self.bold = False
        self.align = 0

    def arg(self, offset: int) -> int:
        at = self.i + offset
        return self.data[at] if at < len(self.data) else 0

    def flush(self, blank_if_empty: bool) -> None:
        if self.line:
            text = bytes(self.line).decode("gb18030", errors="replace")
            row = TextRow(text, *self.size, self.bold, self.align)
            self.paper.pieces.append(row)
            self.paper.text_rows += 1
        elif blank_if_empty:
            self.paper.pieces.append(LINE_DOTS)
        self.line.clear()

    def run(self) -> Paper:
        while self.i < len(self.data):
            byte = self.data[self.i]
            if byte == ESC:
                self.esc()
            elif byte == GS:
                self.gs()
            elif byte in (FS, DLE):
                self.i += 3 if byte == DLE else 2  # DLE EOT n; FS & / FS .
            elif byte == LF:
                self.flush(blank_if_empty=True)
                self.i += 1
            else:
                if byte >= 0x20:
                    self.line.append(byte)
                self.i += 1
        self.flush(blank_if_empty=False)
        return self.paper

    def esc(self) -> None:
        command = self.arg(1)
        if command == ord("@"):
            self.size, self.bold, self.align = (1, 1), False, 0
            self.i += 2
        elif command == ord("d"):
            self.flush(blank_if_empty=False)
            self.paper.pieces.append(self.arg(2) * LINE_DOTS)
            self.i += 3
        elif command in ONE_ARGUMENT_ESC:
            if command == ord("a"):
                self.align = self.arg(2) % 48
            elif command == ord("E"):
                self.bold = bool(self.arg(2) & 1)
            self.i += 3
        else:
            self.paper.unknown += 1
            self.i += 2

    def gs(self) -> None:
        command = self.arg(1)
        if command == ord("v") and self.arg(2) == ord("0"):
            self.band()
        elif command == ord("!"):
            n = self.arg(2)
            self.size = ((n >> 4) + 1, (n & 0x0F) + 1)
            self.i += 3
        elif command == ord("V"):
            self.flush(blank_if_empty=False)
            self.paper.pieces.append("cut")
            self.paper.cuts += 1
            self.i += 4 if self.arg(2) in (65, 66) else 3
        elif command == ord("(") and self.arg(2) in b"Lk":
            self.paper.unknown += 1
            self.i += 5 + self.arg(3) + 256 * self.arg(4)
        elif command in ONE_ARGUMENT_GS:
            self.i += 3
        else:
            self.paper.unknown += 1
            self.i += 2

    def band(self) -> None:
        """GS v 0 m xL xH yL yH d1…dk: rows of dots, 8 to a byte, 1 is ink."""
        self.flush(blank_if_empty=False)
        width_bytes = self.arg(4) + 256 * self.arg(5)
        rows = self.arg(6) + 256 * self.arg(7)
        start = self.i + 8
        bits = self.data[start : start + width_bytes * rows]
        self.i = start + width_bytes * rows
        if len(bits) < width_bytes * rows or not rows or not width_bytes:
            self.paper.unknown += 1  # a band cut short: the file ends mid-ticket
            return
        self.paper.pieces.append(_band_surface(bits, width_bytes * 8, rows))
        self.paper.bands += 1


def _band_surface(bits: bytes, width: int, rows: int) -> pygame.Surface:
    # PIL's "1" reads a set bit as white; on paper it is ink.
    image = ImageOps.invert(Image.frombytes("1", (width, rows), bits).convert("L"))
    return pygame.image.frombytes(image.convert("RGB").tobytes(), (width, rows), "RGB")


def read_paper(data: bytes) -> Paper:
    return _Reader(data).run()


CUT = 10
"""Dots the dashed cut line takes in the picture."""


def draw_paper(paper: Paper, dots: int, text: TextCache | None) -> pygame.Surface:
    """The paper as a picture: images as they are, text in the board's font at the printer's
    sizes (an approximation of the printer's own font), a dashed line where it cuts."""
    images = [p for p in paper.pieces if isinstance(p, pygame.Surface)]
    dots = max([dots] + [image.get_width() for image in images])
    drawn: list[pygame.Surface | int | str] = []
    for piece in paper.pieces:
        if isinstance(piece, TextRow):
            drawn.append(_text_row(piece, dots, text))
        elif isinstance(piece, pygame.Surface | int | str):
            drawn.append(piece)
    heights = [_height(item) for item in drawn]
    page = pygame.Surface((dots, max(1, sum(heights))))
    page.fill(WHITE)
    y = 0
    for item, height in zip(drawn, heights, strict=True):
        if isinstance(item, pygame.Surface):
            page.blit(item, (0, y))
        elif item == "cut":
            for x in range(0, dots, 16):
                page.fill(GREY, (x, y + CUT // 2 - 1, 8, 2))
        y += height
    return page


def _height(item: pygame.Surface | int | str) -> int:
    if isinstance(item, pygame.Surface):
        return item.get_height()
    return item if isinstance(item, int) else CUT


def _text_row(row: TextRow, dots: int, text: TextCache | None) -> pygame.Surface:
    surface = pygame.Surface((dots, LINE_DOTS * row.height))
    surface.fill(WHITE)
    if text is None or not row.text.strip():
        return surface
    ink = text.render(row.text, FONT_DOTS * row.height, BLACK, row.bold)
    if row.width != row.height:
        ink = pygame.transform.smoothscale(
            ink, (max(1, ink.get_width() * row.width // row.height), ink.get_height())
        )
    x = {0: 0, 1: (dots - ink.get_width()) // 2, 2: dots - ink.get_width()}.get(row.align, 0)
    surface.blit(ink, (max(0, x), (surface.get_height() - ink.get_height()) // 2))
    return surface
