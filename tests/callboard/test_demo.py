"""``callboard demo`` as a person meets it: a process that says how to reach it, whose
printed ticket line takes a new ticket each time even while the demo's people take theirs."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lobby.contract import TicketIssued
from tests.conftest import wait_until


class Demo:
    """The demo, headless, with its printed lines gathered as they come."""

    def __init__(self, workdir: Path) -> None:
        env = {
            **os.environ,
            "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy",
            "PYTHONUNBUFFERED": "1",
            "XDG_CACHE_HOME": str(workdir / "cache"),
        }
        self.log = workdir / "demo.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "callboard", "demo", "--interval", "0.5"],
                cwd=workdir,
                env=env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def line_after(self, pattern: str, timeout: float = 90.0) -> tuple[re.Match[str], str]:
        """The first printed line matching PATTERN, and the line after it."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"the demo never printed {pattern!r}:\n{self.log.read_text()}")
            found = re.search(pattern, line)
            if found:
                return found, self.lines.get(timeout=timeout)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    running = Demo(tmp_path)
    yield running
    assert running.stop() == 0, running.log.read_text()


def take_ticket(command: str, out: Path) -> TicketIssued:
    # Files, not pipes: the line's listener may outlive it by a few seconds, silently.
    with out.open("w") as stdout:
        subprocess.run(["bash", "-c", command], stdout=stdout, timeout=30, check=True)
    printed = out.read_text().strip()
    assert printed.startswith("{"), printed
    return TicketIssued.parse(printed.encode())


def test_the_demo_prints_its_pid_its_frames_and_a_line_that_takes_fresh_tickets(
    demo: Demo, tmp_path: Path
) -> None:
    found, frames = demo.line_after(r"^demo: pid (\d+);")
    pid = int(found.group(1))
    assert pid == demo.process.pid  # `exec` in dev.sh keeps it so
    where = re.fullmatch(rf"kill -USR1 {pid} saves the current frame to (/\S+\.png)", frames)
    assert where, frames
    _, command = demo.line_after(r"Take a ticket yourself")
    first = take_ticket(command.strip(), tmp_path / "first.txt")
    second = take_ticket(command.strip(), tmp_path / "second.txt")
    # Its own answers (the people's requests are demo-k-…), a new ticket each time.
    assert first.request_id.startswith("me-") and second.request_id.startswith("me-")
    assert first.request_id != second.request_id
    assert first.ticket != second.ticket and first.service == second.service == "general"
    os.kill(pid, signal.SIGUSR1)
    assert wait_until(lambda: Path(where.group(1)).is_file(), timeout=10)
