"""A private mosquitto on a free loopback port: for the demo, the tests and the benches.

It is Debian's real broker, started with a config of our own in a temporary folder, so a
new user needs no broker set up and nothing on the machine is changed.
"""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from lobby.errors import CallboardError

MOSQUITTO_PATHS = ("/usr/sbin/mosquitto", "/usr/bin/mosquitto")


class BrokerError(CallboardError, RuntimeError):
    """The private broker could not be started."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_mosquitto() -> str:
    found = shutil.which("mosquitto") or next(
        (path for path in MOSQUITTO_PATHS if Path(path).is_file()), None
    )
    if found is None:
        raise BrokerError("mosquitto is not installed: sudo apt install mosquitto")
    return found


class PrivateBroker:
    """A mosquitto process of our own on 127.0.0.1; stop() ends it."""

    def __init__(self, port: int | None = None, extra_config: str = "") -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._extra = extra_config
        self._dir = Path(tempfile.mkdtemp(prefix="callboard-broker-"))
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 10.0) -> PrivateBroker:
        conf = self._dir / "mosquitto.conf"
        conf.write_text(
            # Run as whoever started it: as root, mosquitto would switch to its own user,
            # which cannot read our temporary folder.
            f"user {getpass.getuser()}\n"
            f"listener {self.port} {self.host}\n"
            "allow_anonymous true\n"
            "persistence false\n"
            "set_tcp_nodelay true\n"  # small messages (acks, presses) go out at once
            f"log_dest file {self._dir / 'mosquitto.log'}\n"
            f"{self._extra}\n"
        )
        self._process = subprocess.Popen(
            [find_mosquitto(), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl+C is for us; we stop the broker after the board
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = (
                    self._process.stderr.read().decode(errors="replace")
                    if self._process.stderr
                    else ""
                )
                raise BrokerError(f"mosquitto exited at start: {error.strip() or self.log()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise BrokerError(f"mosquitto did not listen on port {self.port} within {timeout_s} s")

    def log(self) -> str:
        path = self._dir / "mosquitto.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int:
        """The broker's process id (the benches read its CPU and memory from /proc)."""
        if self._process is None:
            raise BrokerError("the broker is not started")
        return self._process.pid

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> PrivateBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()
