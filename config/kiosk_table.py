"""The ``[kiosk]`` table: the ticket machine's services, languages, printer and buttons."""

from __future__ import annotations

import re
from typing import Any

from config.reader import Reader
from config.settings import KioskSettings
from lobby.wording import WORDED_LANGUAGES

# usb:VENDOR:PRODUCT (hex), serial:/dev/tty…[:baud], tcp://host[:port], file:/absolute/path
PRINTER_RE = re.compile(
    r"usb:0x[0-9A-Fa-f]{4}:0x[0-9A-Fa-f]{4}"
    r"|serial:/dev/[A-Za-z0-9_./-]+(:[0-9]{3,7})?"
    r"|tcp://[A-Za-z0-9_.-]{1,253}(:[0-9]{1,5})?"
    r"|file:/[^\x00-\x1f]+"
)
QR_FIELDS = ("site", "ticket", "service")


def _qr_ok(text: str) -> bool:
    try:
        text.format(**{name: "x" for name in QR_FIELDS})
    except (KeyError, IndexError, ValueError):
        return False
    return len(text) <= 200


def _buttons(r: Reader) -> dict[str, int]:
    table: dict[str, Any] = r.get(
        "buttons", lambda v: isinstance(v, dict), "a table of service id = BCM pin", {}
    )
    out: dict[str, int] = {}
    for service, pin in table.items():
        if isinstance(pin, int) and not isinstance(pin, bool) and 0 <= pin <= 27:
            out[service] = pin
        else:
            r.problem(f"buttons.{service}", pin, "a BCM GPIO pin number from 0 to 27")
    return out


def read_kiosk(r: Reader) -> KioskSettings:
    kiosk = KioskSettings(
        services=tuple(
            r.get(
                "services",
                lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                "a list of service ids",
                [],
            )
        ),
        languages=r.languages("languages", WORDED_LANGUAGES, "the kiosk has wording for", False)
        or (),
        show_seconds=r.number("show_seconds", 8.0, 2.0, 60.0),
        answer_s=r.number("answer_s", 3.0, 0.5, 30.0),
        tries=r.integer("tries", 3, 1, 10),
        printer=r.text(
            "printer",
            "",
            re.compile(f"|{PRINTER_RE.pattern}"),
            '"usb:0xVVVV:0xPPPP", "serial:/dev/ttyUSB0", "tcp://host:9100", "file:/path" or ""',
        ),
        paper=r.text("paper", "80mm", re.compile("80mm|58mm"), '"80mm" or "58mm"'),
        print_text=r.text(
            "print_text", "raster", re.compile("raster|gb18030"), '"raster" or "gb18030"'
        ),
        qr=r.get(
            "qr",
            lambda v: isinstance(v, str) and _qr_ok(v),
            "a text of at most 200 characters with only {site}, {ticket} and {service}",
            "",
        ),
        buttons=_buttons(r),
    )
    r.finish()
    return kiosk


def check_kiosk(kiosk: KioskSettings, services: set[str], problems: list[str]) -> None:
    """Services the kiosk names must exist; a pin serves one service."""
    for i, service in enumerate(kiosk.services):
        if service not in services:
            problems.append(
                f"kiosk.services[{i}]: found {service!r}, expected one of the [[services]] ids "
                f"({', '.join(sorted(services)) or 'none defined'})"
            )
    for service in kiosk.buttons:
        if service not in services:
            problems.append(
                f"kiosk.buttons.{service}: found a button for {service!r}, expected one of the "
                f"[[services]] ids ({', '.join(sorted(services)) or 'none defined'})"
            )
