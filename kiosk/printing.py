"""The kiosk's paper: the printer of ``[kiosk] printer`` behind the kiosk's TicketOutput.

Only what the engine issued is printed (``ticket_for`` takes the engine's answer); the
printer's worker thread tells the kiosk when its fault changes, and the kiosk's status
and screen follow within a pass of its loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pygame

from config.settings import Config
from display.fonts import FontChoice, find_fonts, last_resort
from kiosk.printer import TicketPrinter
from kiosk.ticket_art import ticket_for
from lobby.contract import TicketIssued
from lobby.errors import FontError


@dataclass(frozen=True)
class PrinterChanged:
    """The printer's fault came or went, or a ticket was (not) printed."""


def printing_fonts(config: Config) -> FontChoice:
    try:
        return find_fonts(config.display.font, config.display.theme.fonts)
    except (FontError, OSError, pygame.error):
        return last_resort()


class PaperOutput:
    """Tickets to the configured printer, on its own thread; its fault for the kiosk."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._deliver: Callable[[object], None] = lambda item: None
        self.printer = TicketPrinter(
            config.kiosk, printing_fonts(config), on_change=lambda: self._deliver(PrinterChanged())
        )

    def listen(self, deliver: Callable[[object], None]) -> None:
        """Where to say that the printer changed (the kiosk's inbox)."""
        self._deliver = deliver

    @property
    def fault(self) -> str | None:
        return self.printer.fault

    def give(self, issued: TicketIssued) -> None:
        self.printer.submit(ticket_for(self._config, issued, datetime.now().astimezone()))

    def close(self) -> None:
        self.printer.close()
