"""A network receipt printer on 127.0.0.1 (port 9100's protocol): it keeps every byte it
is sent and answers DLE EOT status questions as a real one does, with paper out, a cover
open, or a printer that stops reading mid-ticket when a test says so.

Run on its own to print to it from a shell:
    .venv/bin/python -m tests.kiosk.fake_printer --port 9100
"""

from __future__ import annotations

import argparse
import socket
import threading
import time

GS, DLE, EOT = 0x1D, 0x10, 0x04
FIXED = 0x12  # bits 1 and 4 of every status byte
CUT = b"\x1dV"


class FakeNetworkPrinter:
    """A printer that records. ``paper`` is "ok", "low" or "out"; ``cover_open``;
    ``hang_after``: stop reading (and answering) once this many bytes have arrived;
    ``mute``: never answer status questions (some network printers do not)."""

    def __init__(self, port: int = 0) -> None:
        self.paper = "ok"
        self.cover_open = False
        self.hang_after: int | None = None
        self.mute = False
        self.hung = False
        self.questions: list[int] = []
        self.connections = 0
        self._received = bytearray()
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A small window, as a printer's buffer is small: a sender feels it stop reading.
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", port))
        self._server.listen(4)
        self.port = self._server.getsockname()[1]
        self.uri = f"tcp://127.0.0.1:{self.port}"
        self._open: list[socket.socket] = []
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def _accept(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        pending = bytearray()
        skip = 0  # bytes of an image still to come: not commands
        while not self._stopped:
            if self.hung:
                time.sleep(0.05)  # the connection stays open; nothing is read or answered
                continue
            try:
                chunk = conn.recv(1024)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._received += chunk
                total = len(self._received)
            if self.hang_after is not None and total >= self.hang_after:
                self.hung = True
                continue
            pending += chunk
            skip = self._commands(conn, pending, skip)

    def _commands(self, conn: socket.socket, pending: bytearray, skip: int) -> int:
        """Answer the status questions in what arrived; image data is passed over."""
        i = 0
        while i < len(pending):
            if skip:
                taken = min(skip, len(pending) - i)
                i += taken
                skip -= taken
                continue
            byte = pending[i]
            if byte == GS and pending[i + 1 : i + 3] == b"v0":
                if len(pending) - i < 8:
                    break
                skip = (pending[i + 4] + 256 * pending[i + 5]) * (
                    pending[i + 6] + 256 * pending[i + 7]
                )
                i += 8
            elif byte == DLE:
                if len(pending) - i < 3:
                    break
                if pending[i + 1] == EOT:
                    self._answer(conn, pending[i + 2])
                i += 3
            else:
                i += 1
        del pending[:i]
        return skip

    def status(self, n: int) -> int:
        """DLE EOT n: 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor."""
        out = self.paper == "out"
        if n == 1:
            return FIXED | (0x08 if out or self.cover_open else 0)
        if n == 2:
            return FIXED | (0x04 if self.cover_open else 0) | (0x20 if out else 0)
        if n == 4:
            return FIXED | {"ok": 0, "low": 0x0C, "out": 0x6C}[self.paper]
        return FIXED

    def _answer(self, conn: socket.socket, n: int) -> None:
        self.questions.append(n)
        if self.mute:
            return
        try:
            conn.sendall(bytes([self.status(n)]))
        except OSError:
            return

    def recover(self) -> None:
        """Switched off and on again: connections drop, and it reads and answers again."""
        for conn in self._open:
            conn.close()
        self._open.clear()
        self.hang_after = None
        self.hung = False

    def close(self) -> None:
        self._stopped = True
        self._server.close()
        for conn in self._open:
            conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--paper", choices=("ok", "low", "out"), default="ok")
    args = parser.parse_args()
    printer = FakeNetworkPrinter(args.port)
    printer.paper = args.paper
    print(f"listening on {printer.uri}; Ctrl+C to stop", flush=True)
    seen = 0
    try:
        while True:
            time.sleep(0.5)
            received = printer.received
            if len(received) != seen:
                cuts = received.count(CUT)
                print(f"{len(received)} bytes received, {cuts} cut(s)", flush=True)
                seen = len(received)
    except KeyboardInterrupt:
        printer.close()


if __name__ == "__main__":
    main()
