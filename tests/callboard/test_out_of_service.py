"""``callboard run`` with a config it cannot use, as systemd runs it on a lobby TV: a calm
page on the screen, systemd kept content, and the board once the file is fixed."""

from __future__ import annotations

import os
import signal
import socket
import threading
from pathlib import Path

import pygame

from callboard.demo.broker import PrivateBroker
from display.out_of_service import OutOfServicePage, Trouble, page_fonts
from lobby.errors import ConfigError
from mqtt_client import Topics
from tests.conftest import DaemonProcess, Peer, config_text, ocr_line, run_cli, wait_until


class Notifications:
    """What a process tells systemd on $NOTIFY_SOCKET, as systemd would hear it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.heard: list[str] = []
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(path))
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                self.heard.extend(self._sock.recv(4096).decode().split("\n"))
            except TimeoutError:
                continue

    def env(self) -> dict[str, str]:
        return {"NOTIFY_SOCKET": str(self.path), "WATCHDOG_USEC": "1000000"}

    def statuses(self) -> list[str]:
        return [line.removeprefix("STATUS=") for line in self.heard if line.startswith("STATUS=")]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


def replace(path: Path, text: str) -> None:
    """Write a file as an editor or a deployment tool would: whole, in one rename."""
    partial = path.with_name(f".{path.name}.new")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def saved_frame(daemon: DaemonProcess, path: Path) -> pygame.Surface:
    assert wait_until(lambda: "showing the out-of-service page" in daemon.log(), 20)
    path.unlink(missing_ok=True)
    daemon.signal(signal.SIGUSR1)
    assert wait_until(path.exists, 10), daemon.log()
    return pygame.image.load(str(path))


def where_the_page_draws(config: Path, size: tuple[int, int]) -> dict[str, pygame.Rect]:
    """The same page, painted off-screen with the same code: where each line lands."""
    from config import load_config

    try:
        load_config(config)
        problems: list[str] = []
    except ConfigError as exc:
        problems = exc.problems
    text, languages = page_fonts()
    page = OutOfServicePage(text, size, languages)
    page.paint(pygame.Surface(size), Trouble(str(config), tuple(problems)))
    return dict(page.drawn)


def test_a_broken_config_shows_the_page_and_the_fixed_one_the_board(
    broker: PrivateBroker, peer: Peer, site: str, tmp_path: Path
) -> None:
    workdir = tmp_path / "screen"
    workdir.mkdir()
    config = workdir / "callboard.toml"
    good = config_text(site, broker.port)
    broken = good.replace('languages = ["zh", "en"]', 'languages = ["fr"]', 1)
    replace(config, broken.replace('screenshot = "callboard-screen.png"', 'screenshot = "p.png"'))
    status = Topics("callboard", site).status("screen-1")
    peer.subscribe(status)
    notify = Notifications(tmp_path / "notify.sock")
    daemon = DaemonProcess(config, workdir, notify.env())
    try:
        assert wait_until(lambda: notify.heard.count("WATCHDOG=1") >= 3, 20), daemon.log()
        assert "READY=1" in notify.heard  # up and doing all it can: no restart loop
        assert notify.statuses()[0] == f"out of service: {config} has 1 problem(s)"

        image = saved_frame(daemon, workdir / "p.png")  # the broken file's own screenshot path
        where = where_the_page_draws(config, image.get_size())
        title = where["Temporarily out of service"]
        assert ocr_line(image, title) == "Temporarily out of service"
        assert "暂停服务" in where and where["暂停服务"].bottom <= title.top
        problem = next(text for text in where if text.startswith("languages[0]"))
        read = ocr_line(image, where[problem])  # tesseract may read 'fr' with curly quotes
        assert read.startswith("languages[0]: found a string") and "fr" in read, read

        log = daemon.log()
        assert f"{config}: languages[0]: found a string 'fr', expected a language" in log
        assert "Traceback" not in log and daemon.alive
        assert not peer.on(status)  # the page does not pretend the board is online

        replace(config, good)
        peer.wait_for(status, lambda m: m.json()["state"] == "online", timeout=30)
        assert daemon.alive and "starting the board" in daemon.log()
        assert wait_until(lambda: notify.statuses()[-1].startswith("showing the board"), 5)
        assert daemon.stop() == 0
        assert "Traceback" not in daemon.log()
    finally:
        daemon.stop()
        notify.close()


def test_a_config_that_cannot_be_read_shows_the_page_until_it_is_there(
    broker: PrivateBroker, peer: Peer, site: str, tmp_path: Path
) -> None:
    workdir = tmp_path / "screen"
    workdir.mkdir()
    config = workdir / "callboard.toml"  # not written yet: a deployment that is late
    status = Topics("callboard", site).status("screen-1")
    peer.subscribe(status)
    daemon = DaemonProcess(config, workdir)
    try:
        image = saved_frame(daemon, workdir / "callboard-screen.png")
        where = where_the_page_draws(config, image.get_size())
        assert ocr_line(image, where["Temporarily out of service"]) == (
            "Temporarily out of service"
        )
        assert "cannot read the file: No such file or directory" in daemon.log()
        replace(config, config_text(site, broker.port))
        peer.wait_for(status, lambda m: m.json()["state"] == "online", timeout=30)
        assert daemon.stop() == 0 and "Traceback" not in daemon.log()
    finally:
        daemon.stop()


def test_a_config_still_broken_after_an_edit_shows_its_new_problems(
    broker: PrivateBroker, site: str, tmp_path: Path
) -> None:
    workdir = tmp_path / "screen"
    workdir.mkdir()
    config = workdir / "callboard.toml"
    good = config_text(site, broker.port)
    replace(config, good.replace('languages = ["zh", "en"]', 'languages = ["fr"]', 1))
    daemon = DaemonProcess(config, workdir)
    try:
        assert wait_until(lambda: "showing the out-of-service page" in daemon.log(), 20)
        replace(config, good.replace("recent = 8", "recent = 80"))
        assert wait_until(lambda: "display.recent" in daemon.log(), 10), daemon.log()
        log = daemon.log()
        assert f"the config {config} still has 1 problem(s):" in log
        assert "starting the board" not in log and daemon.alive
    finally:
        daemon.stop()


def test_with_no_screen_either_run_exits_2_with_the_problems_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        config_text("nowhere", 1883).replace('languages = ["zh", "en"]', 'languages = ["fr"]', 1),
        encoding="utf-8",
    )
    result = run_cli(
        "run", "--config", str(path), env={**os.environ, "SDL_VIDEODRIVER": "no-such-driver"}
    )
    assert result.returncode == 2, result.stderr
    assert f"{path}: languages[0]: found a string 'fr'" in result.stderr
    assert "the screen could not be opened" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_also_needs_a_queue_database_it_can_open_here(tmp_path: Path, monkeypatch) -> None:
    """What only the running process can check (its user, its working directory) is a
    problem of the config like any other: the page names it, and check-config's loader
    is the rest of the same check."""
    from callboard.run import usable_config

    notes = tmp_path / "notes.txt"
    notes.write_text("not a folder")
    db = notes / "queue.sqlite3"
    path = tmp_path / "c.toml"
    text = config_text("hz-main", 1883).replace("embedded = false", "embedded = true")
    path.write_text(text.replace("[queue]\n", f'[queue]\ndb = "{db}"\n'), encoding="utf-8")
    try:
        usable_config(path)
    except ConfigError as exc:
        assert len(exc.problems) == 1, exc.problems
        assert exc.problems[0].startswith(f"queue.db: {db}: cannot open the queue database here")
    else:
        raise AssertionError("a database inside a file was taken")
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))  # where systemd would put it
    assert usable_config(path).queue.embedded
    assert (tmp_path / "queue.sqlite3").exists()
