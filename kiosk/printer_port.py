"""The way to a ticket printer: opened by its URI with python-escpos, asked how it is, and
what went wrong said in a few words a dashboard can show ("paper out", "cover open").

Every way has a time limit, so a printer that stops answering becomes a fault, never a
hang: sockets and serial ports get timeouts, USB transfers a limit in milliseconds.
"""

from __future__ import annotations

import copy
import logging
import re
import socket
from dataclasses import dataclass
from typing import Any

from escpos.capabilities import Profile
from escpos.constants import (
    RT_MASK_LOWPAPER,
    RT_MASK_NOPAPER,
    RT_MASK_ONLINE,
    RT_STATUS,
    RT_STATUS_ONLINE,
    RT_STATUS_PAPER,
)
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError

from config.kiosk_table import PRINTER_RE
from kiosk.ticket_art import PAPER_DOTS
from lobby.errors import CallboardError

_LOG = logging.getLogger(__name__)

PAPER_OUT = "paper out"
PAPER_LOW = "paper low"
COVER_OPEN = "cover open"
UNPLUGGED = "printer unplugged"
NOT_ANSWERING = "printer offline: not answering"
RT_STATUS_OFFLINE_CAUSE = RT_STATUS + b"\x02"
"""DLE EOT 2: why the printer is offline (python-escpos has no name for this one)."""
COVER_BIT, PAPER_STOP_BIT, ERROR_BIT = 0x04, 0x20, 0x40
DEFAULT_BAUD = 9600


class PrinterFault(CallboardError, OSError):
    """The printer cannot print now; ``str()`` is the fault in a few words."""


@dataclass(frozen=True)
class PrinterAddress:
    """Where the printer is, read from the config's URI."""

    kind: str
    """usb, serial, tcp or file."""
    target: str
    """The device file, host or path."""
    number: int = 0
    """The TCP port or the serial baud rate."""
    vendor: int = 0
    product: int = 0

    @classmethod
    def parse(cls, uri: str) -> PrinterAddress:
        if not PRINTER_RE.fullmatch(uri):
            raise ValueError(
                f"{uri!r} is not a printer: expected usb:0xVVVV:0xPPPP, "
                "serial:/dev/ttyUSB0[:baud], tcp://host[:port] or file:/path"
            )
        kind, _, rest = uri.partition(":")
        if kind == "usb":
            vendor, product = (int(x, 16) for x in rest.split(":"))
            return cls("usb", uri, vendor=vendor, product=product)
        if kind == "tcp":
            host, _, port = rest.removeprefix("//").partition(":")
            return cls("tcp", host, int(port or 9100))
        if kind == "serial":
            found = re.fullmatch(r"(.+?)(?::([0-9]+))?", rest)
            assert found is not None
            return cls("serial", found.group(1), int(found.group(2) or DEFAULT_BAUD))
        return cls("file", rest)

    def __str__(self) -> str:
        if self.kind == "tcp":
            return f"tcp://{self.target}:{self.number}"
        if self.kind == "serial":
            return f"serial:{self.target}:{self.number}"
        return self.target if self.kind == "usb" else f"file:{self.target}"


def paper_profile(paper: str) -> Profile:
    """python-escpos's default profile, told how many dots the roll has."""
    data = copy.deepcopy(Profile.profile_data)
    profile = Profile(features=data["features"])
    data["media"]["width"] = {"mm": int(paper.removesuffix("mm")), "pixels": PAPER_DOTS[paper]}
    profile.profile_data = data
    return profile


def open_printer(address: PrinterAddress, paper: str, timeout_s: float) -> Escpos:
    """An open python-escpos printer; PrinterFault when it cannot be opened."""
    from escpos import printer as escpos_printer

    profile = paper_profile(paper)
    device: Escpos
    if address.kind == "tcp":
        device = escpos_printer.Network(
            address.target, address.number, timeout=timeout_s, profile=profile
        )
    elif address.kind == "serial":
        device = escpos_printer.Serial(
            address.target, address.number, timeout=timeout_s, profile=profile
        )
    elif address.kind == "usb":
        device = escpos_printer.Usb(
            address.vendor, address.product, timeout=int(timeout_s * 1000), profile=profile
        )
    else:
        device = escpos_printer.File(address.target, profile=profile)
    try:
        device.open()
    except Exception as exc:  # python-escpos wraps some causes, lets others through
        raise PrinterFault(fault_of(exc, address)) from exc
    if address.kind == "serial":
        port: Any = device.device
        port.write_timeout = serial_write_limit(timeout_s, address.number)
    return device


def serial_write_limit(timeout_s: float, baud: int, chunk: int = 256 * 72) -> float:
    """Time for one image band to pass the wire at this speed, plus the usual limit."""
    return timeout_s + chunk * 10 / max(1, baud)


def fault_of(exc: BaseException, address: PrinterAddress) -> str:
    """A failure in the words a dashboard shows."""
    cause = exc.__context__ if isinstance(exc, DeviceNotFoundError) else exc
    if isinstance(exc, DeviceNotFoundError) and address.kind in ("usb", "serial"):
        return UNPLUGGED
    if type(exc).__name__ == "NoBackendError":  # pyusb without libusb
        return "printer offline: no USB library (install libusb-1.0-0)"
    if isinstance(cause, TimeoutError) or type(cause).__name__ in (
        "USBTimeoutError",
        "SerialTimeoutException",
    ):
        return NOT_ANSWERING
    if isinstance(cause, ConnectionRefusedError):
        return f"printer offline: {address.target} refused the connection"
    if isinstance(cause, socket.gaierror):
        return f"printer offline: no host {address.target}"
    if isinstance(cause, ConnectionError):
        return "printer offline: connection lost"
    if type(cause).__name__ in ("USBError", "SerialException"):
        return UNPLUGGED if getattr(cause, "errno", None) in (None, 5, 19) else _short(cause)
    if isinstance(cause, OSError):
        return _short(cause)
    return f"printer offline: {type(exc).__name__}"


def _short(exc: BaseException) -> str:
    words = getattr(exc, "strerror", None) or str(exc).splitlines()[0] or type(exc).__name__
    return f"printer offline: {words}"[:120]


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said of itself (DLE EOT)."""

    fault: str | None
    paper: str
    """ok, low or out."""


def _valid(answer: bytes) -> bool:
    """A DLE EOT answer: one byte whose fixed bits are right (bits 1 and 4 set, 0 and 7 not)."""
    return len(answer) >= 1 and answer[-1] & 0x93 == 0x12


def query(device: Escpos, mode: bytes) -> bytes | None:
    """One DLE EOT question; None when the printer gives no answer (a timeout, or nothing)."""
    try:
        answer = device.query_status(mode)
    except TimeoutError:
        return None
    except OSError as exc:
        if type(exc).__name__ == "USBTimeoutError":
            return None
        raise
    return bytes(answer) or None


def read_status(device: Escpos) -> PrinterStatus | None:
    """The printer's state; None when it does not answer status questions at all.

    Raises NotImplementedError for connections that cannot read (files).
    """
    online = query(device, RT_STATUS_ONLINE)
    if online is None or not _valid(online):
        return None
    paper_answer = query(device, RT_STATUS_PAPER) or b"\x12"
    paper_bits = paper_answer[-1]
    paper = "ok"
    if paper_bits & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        paper = "out"
    elif paper_bits & RT_MASK_LOWPAPER == RT_MASK_LOWPAPER:
        paper = "low"
    if not online[-1] & RT_MASK_ONLINE:
        return PrinterStatus(PAPER_OUT if paper == "out" else None, paper)
    cause = (query(device, RT_STATUS_OFFLINE_CAUSE) or b"\x12")[-1]
    if cause & COVER_BIT:
        return PrinterStatus(COVER_OPEN, paper)
    if cause & PAPER_STOP_BIT or paper == "out":
        return PrinterStatus(PAPER_OUT, "out")
    if cause & ERROR_BIT:
        return PrinterStatus("printer error (cutter or head): see its light", paper)
    return PrinterStatus("printer offline: paused (feed button?)", paper)


def close_quietly(device: Escpos | None) -> None:
    if device is None:
        return
    try:
        device.close()
    except (OSError, EscposError, ValueError) as exc:
        _LOG.debug("closing the printer: %s", exc)
