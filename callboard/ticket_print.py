"""The command line's ticket printer: ``callboard ticket --print`` and ``ticket-preview``.

The printer is asked how it is before the engine is asked for a ticket, so a technician
testing a printer with paper out learns it without using up a number; a ticket is printed
only once the engine has issued it.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from callboard.inputs import exit_with, reason, writable_or_exit
from config import Config
from config.kiosk_table import PRINTER_RE
from lobby.contract import TicketIssued

if TYPE_CHECKING:
    from display.fonts import FontChoice

EXIT_FAILURE = 1
EXIT_USAGE = 2


def printer_uri(text: str) -> str:
    """A printer as the config writes it; ``file:`` may be relative on the command line."""
    if text.startswith("file:") and not text.startswith("file:/"):
        text = f"file:{Path(text.removeprefix('file:')).resolve()}"
    if not PRINTER_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a printer: usb:0xVVVV:0xPPPP, serial:/dev/ttyUSB0[:baud], "
            "tcp://host[:port] or file:/path"
        )
    return text


class CommandLinePrinter:
    """The kiosk's TicketPrinter, opened for one ticket."""

    def __init__(self, config: Config, uri: str | None, verbose: bool = False) -> None:
        from dataclasses import replace

        from kiosk.printer import TicketPrinter

        uri = uri or config.kiosk.printer
        if not uri:
            exit_with(
                f"{config.source}: no printer: set [kiosk] printer, or give --printer "
                "(e.g. --printer file:ticket.bin)"
            )
        self.config = config
        self.uri = uri
        if not verbose:  # one line says what happened; python-escpos logs on the root logger
            logging.getLogger().setLevel(logging.ERROR)
        settings = replace(config.kiosk, printer=uri)
        fonts = self._fonts() if settings.print_text == "raster" else None
        self.printer = TicketPrinter(settings, fonts)

    def _fonts(self) -> FontChoice:
        from display.fonts import find_fonts
        from lobby.errors import FontError

        try:
            return find_fonts(self.config.display.font, self.config.display.theme.fonts)
        except FontError as exc:
            print(f"cannot draw the ticket: {exc}", file=sys.stderr)
            raise SystemExit(EXIT_FAILURE) from None

    def fault_before(self) -> str | None:
        """The printer's fault, asked before any ticket is taken."""
        limit = 2 * self.printer_timeout() + 2
        if not self.printer.checked.wait(limit):
            return f"no answer within {limit:g} s"
        return self.printer.fault

    def printer_timeout(self) -> float:
        from kiosk.printer import TIMEOUT_S

        return TIMEOUT_S

    def print_issued(self, issued: TicketIssued, lang: str | None) -> int:
        from kiosk.ticket_art import ticket_for

        started = time.monotonic()
        now = datetime.now().astimezone()
        job = self.printer.submit(ticket_for(self.config, issued, now, lang))
        limit = self.printer.max_age_s + 3 * self.printer_timeout() + 2
        if not job.wait(limit):
            print(f"could not print {issued.ticket}: no answer within {limit:g} s", file=sys.stderr)
            return EXIT_FAILURE
        if not job.printed:
            why = job.outcome.removeprefix("not printed: ")
            print(f"could not print {issued.ticket}: {why}", file=sys.stderr)
            return EXIT_FAILURE
        print(f"printed {issued.ticket} on {self.uri} in {time.monotonic() - started:.2f} s")
        return 0

    def close(self) -> None:
        self.printer.close()


def cmd_ticket_preview(args: argparse.Namespace) -> int:
    """Draw what a ``file:`` printer was sent, as the paper would show it."""
    import pygame

    from display.fonts import find_fonts
    from display.text import TextCache
    from kiosk.preview import draw_paper, read_paper
    from kiosk.ticket_art import PAPER_DOTS
    from lobby.errors import FontError

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        exit_with(f"{args.file}: cannot read: {reason(exc)}")
    writable_or_exit(args.out)
    paper = read_paper(data)
    if not paper.bands and not paper.text_rows:
        print(f"{args.file}: nothing a printer would print in it", file=sys.stderr)
        return EXIT_FAILURE
    try:
        text = TextCache(find_fonts())
    except FontError:
        text = None  # the images still show; text rows stay blank
    page = draw_paper(paper, PAPER_DOTS[args.paper], text)
    try:
        pygame.image.save(page, str(args.out))
    except (OSError, pygame.error) as exc:
        print(f"{args.out}: cannot write: {reason(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    width, height = page.get_size()
    cuts = {0: "no cut", 1: "1 cut"}.get(paper.cuts, f"{paper.cuts} cuts")
    print(
        f"wrote {args.out}: {width} x {height} dots; {paper.bands} image band(s), "
        f"{paper.text_rows} text line(s), {cuts}"
    )
    return 0
