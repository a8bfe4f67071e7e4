"""``callboard kiosk``: the ticket machine's wiring (its printer, systemd, the config)."""

from __future__ import annotations

import logging

from callboard import __version__
from callboard.systemd import Systemd
from config.settings import Config
from kiosk.service import Kiosk, NoPrinter, TicketOutput

_LOG = logging.getLogger(__name__)


def ticket_output(config: Config) -> TicketOutput:
    """The configured printer, or the screen alone."""
    if not config.kiosk.printer:
        return NoPrinter()
    from kiosk.printing import PaperOutput

    return PaperOutput(config)


def run_kiosk(config: Config) -> int:
    _LOG.info(
        "callboard %s ticket machine for site %s (device %s)",
        __version__,
        config.site,
        config.device,
    )
    return Kiosk(
        config, version=__version__, printer=ticket_output(config), supervisor=Systemd()
    ).run()
