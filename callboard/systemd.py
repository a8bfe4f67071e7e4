"""systemd's notify protocol, spoken directly (a datagram on $NOTIFY_SOCKET): READY, STATUS,
STOPPING and the watchdog's WATCHDOG=1. Without systemd every call is a no-op."""

from __future__ import annotations

import logging
import math
import os
import socket

_LOG = logging.getLogger(__name__)


def notify(*fields: str) -> bool:
    """Send ``KEY=value`` lines to systemd; False when not run by systemd (or it failed)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # an abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto("\n".join(fields).encode(), address)
    except OSError as exc:
        _LOG.debug("sd_notify failed: %s", exc)
        return False
    return True


class Systemd:
    """A ``config.lifecycle.Supervisor``: READY and STOPPING, and the watchdog kicked at half
    its interval, only when told all is healthy."""

    def __init__(self) -> None:
        usec = os.environ.get("WATCHDOG_USEC", "")
        pid = os.environ.get("WATCHDOG_PID", "")
        active = usec.isdigit() and (not pid or pid == str(os.getpid()))
        self.interval = int(usec) / 1e6 / 2 if active else math.inf
        self._next = 0.0

    def ready(self, status: str) -> None:
        notify("READY=1", f"STATUS={status}")

    def stopping(self) -> None:
        notify("STOPPING=1")

    def next_kick(self) -> float:
        return self._next if self.interval != math.inf else math.inf

    def kick(self, now: float, healthy: bool, why: str = "") -> None:
        if now < self._next or self.interval == math.inf:
            return
        self._next = now + self.interval
        if healthy:
            notify("WATCHDOG=1")
        else:
            _LOG.warning("not telling the watchdog all is well: %s", why)
