"""A private PostgreSQL on a free loopback port, for the tests and the benches: Debian's
server binaries, a cluster made by initdb in a temporary folder, nothing on the machine
configured or changed. PostgreSQL refuses to run as root; as root, the server runs as the
unprivileged user ``nobody`` (setpriv), which owns the temporary folder."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from callboard.demo.broker import free_port
from lobby.errors import CallboardError

USER = "callboard"


class PostgresError(CallboardError, RuntimeError):
    """The private PostgreSQL could not be started."""


def find_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise PostgresError("PostgreSQL is not installed: sudo apt install postgresql")
    return found[-1]  # the newest installed


class PrivatePostgres:
    """A postgres process of our own on 127.0.0.1 (trust auth for user ``callboard``)."""

    def __init__(self, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="callboard-postgres-"))
        self.data = self.dir / "data"
        self._process: subprocess.Popen[bytes] | None = None
        self._as: list[str] = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self._as = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}"]
            self._as += ["--clear-groups", "--"]

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@{self.host}:{self.port}/postgres"

    def _init(self) -> None:
        done = subprocess.run(
            [
                *self._as,
                find_bin("initdb"),
                "-D",
                str(self.data),
                "-U",
                USER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            capture_output=True,
            cwd=self.dir,
            check=False,
        )
        if done.returncode != 0:
            raise PostgresError(f"initdb failed: {done.stderr.decode(errors='replace').strip()}")

    def start(self, timeout_s: float = 30.0) -> PrivatePostgres:
        if not self.data.exists():
            self._init()
        self._process = subprocess.Popen(
            [
                *self._as,
                find_bin("postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-k",
                str(self.dir),
                "-c",
                f"listen_addresses={self.host}",
                "-c",
                "fsync=on",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(self.dir / "postgres.log").open("ab"),
            cwd=self.dir,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PostgresError(f"postgres exited at start: {self.log()[-2000:]}")
            if self._accepting():
                return self
            time.sleep(0.1)
        self.stop()
        raise PostgresError(f"postgres did not listen on port {self.port} within {timeout_s} s")

    def _accepting(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.2):
                pass
        except OSError:
            return False
        done = subprocess.run(
            [find_bin("pg_isready"), "-h", self.host, "-p", str(self.port), "-U", USER],
            capture_output=True,
            check=False,
        )
        return done.returncode == 0

    def log(self) -> str:
        path = self.dir / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        if self._process is None:
            raise PostgresError("postgres is not started")
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """A fast shutdown: open connections are ended, committed data stays."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PrivatePostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()
