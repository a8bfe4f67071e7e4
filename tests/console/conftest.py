"""The console against a real mosquitto: in-process (Starlette's TestClient, which runs
the application's lifespan, so its broker link is the real one) or as ``callboard
console`` in a process of its own for the browser tests and the bench."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from callboard.demo.broker import PrivateBroker
from config import load_config
from config.settings import Config
from console.accounts import new_staff, read_accounts, write_accounts
from console.app import make_app
from lobby.topics import Topics
from tests.conftest import config_text, wait_until

PASSWORD = "counter-pass-1"
SECRET = "k" * 48


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_console_config(folder: Path, site: str, broker_port: int, web_port: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = config_text(site, broker_port, "console-pi").replace(
        'listen = "127.0.0.1:8080"', f'listen = "127.0.0.1:{web_port or free_port()}"'
    )
    path = folder / "callboard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def add_staff(
    config: Config, name: str, role: str = "teller", counters: tuple[str, ...] = ()
) -> None:
    staff = read_accounts(config.console.users)
    staff[name] = new_staff(name, role, counters, PASSWORD)
    write_accounts(config.console.users, staff)


@pytest.fixture
def console_config(tmp_path: Path, site: str, broker: PrivateBroker) -> Config:
    config = load_config(write_console_config(tmp_path / "console", site, broker.port))
    add_staff(config, "li", "teller", ("2",))
    add_staff(config, "wang", "teller", ("3", "4"))
    add_staff(config, "zhao", "manager")
    return config


@pytest.fixture
def topics(site: str) -> Topics:
    return Topics("callboard", site)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


@dataclass
class Browser:
    """A TestClient with one person's session, as a browser would hold it."""

    client: TestClient
    csrf: str = ""

    def login(self, name: str, password: str = PASSWORD) -> object:
        self.csrf = csrf_of(self.client.get("/login").text)
        answer = self.client.post(
            "/login",
            data={"name": name, "password": password, "csrf": self.csrf},
            follow_redirects=False,
        )
        page = self.client.get("/login")
        self.csrf = csrf_of(page.text)
        return answer

    def press(self, counter: str, action: str, **fields: str) -> object:
        return self.client.post(
            f"/counter/{counter}/{action}",
            data={"csrf": self.csrf, **fields},
            headers={"X-Requested-With": "console"},
        )


@pytest.fixture
def console_app(console_config: Config) -> Iterator[Callable[[], Browser]]:
    """A new browser (cookie jar) each call, all on one running console."""
    app = make_app(console_config, SECRET, "test")
    clients: list[TestClient] = []
    with TestClient(app, base_url="http://127.0.0.1") as first:
        link = app.state.console.link
        assert link.wait_subscribed(10)

        def browser() -> Browser:
            if not clients:
                clients.append(first)
                return Browser(first)
            client = TestClient(app, base_url="http://127.0.0.1")
            clients.append(client)
            return Browser(client)

        yield browser


class ConsoleProcess:
    """``callboard console`` as systemd would run it."""

    def __init__(self, config_path: Path) -> None:
        self.config = load_config(config_path)
        self.url = f"http://{self.config.console.host}:{self.config.console.port}"
        self.log_path = config_path.parent / "console.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "callboard", "console", "--config", str(config_path)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        assert wait_until(self._listening, 20), self.log_path.read_text()

    def _listening(self) -> bool:
        try:
            socket.create_connection(
                (self.config.console.host, self.config.console.port), 0.2
            ).close()
        except OSError:
            return self.process.poll() is not None and False
        return True

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def settle(seconds: float = 0.3) -> None:
    time.sleep(seconds)
