"""Brokers other than the session's mosquitto, started by the tests on free loopback ports:
Debian's RabbitMQ with its MQTT plugin (the broker a bank may already run), a central
mosquitto with site brokers bridged to it (the branch network of issue 16), and the WAN
between them, which a test can cut."""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Protocol

from callboard.demo.broker import BrokerError, PrivateBroker, free_port

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"  # not /usr/sbin's: that one su's


class PrivateRabbit:
    """A RabbitMQ node of our own: MQTT on 127.0.0.1:``port``, no AMQP listener, anonymous
    MQTT allowed (as the guest user), everything in a temporary folder."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="callboard-rabbit-"))
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 90.0) -> PrivateRabbit:
        if not Path(RABBITMQ_SERVER).is_file():
            raise BrokerError("rabbitmq-server is not installed: sudo apt install rabbitmq-server")
        (self._dir / "rabbitmq.conf").write_text(
            "listeners.tcp = none\n"
            f"mqtt.listeners.tcp.default = {self.host}:{self.port}\n"
            "mqtt.allow_anonymous = true\n"
            "mqtt.default_user = guest\n"
            "mqtt.default_pass = guest\n"
            "loopback_users = none\n"
        )
        (self._dir / "enabled_plugins").write_text("[rabbitmq_mqtt].\n")
        env = {
            **os.environ,
            "HOME": str(self._dir),  # the Erlang cookie goes here
            "RABBITMQ_NODENAME": f"callboard{self.port}@localhost",
            "RABBITMQ_CONFIG_FILE": str(self._dir / "rabbitmq"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self._dir / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self._dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self._dir / "log"),
            "RABBITMQ_PLUGINS_EXPAND_DIR": str(self._dir / "plugins"),
            "RABBITMQ_PID_FILE": str(self._dir / "pid"),
            "RABBITMQ_NODE_PORT": "0",
            "RABBITMQ_DIST_PORT": str(free_port()),
        }
        self._process = subprocess.Popen(
            [RABBITMQ_SERVER],
            env=env,
            cwd=self._dir,
            stdout=(self._dir / "out.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its Erlang processes are stopped as one group
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BrokerError(f"rabbitmq-server exited at start: {self.log()[-2000:]}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise BrokerError(f"rabbitmq-server did not listen on {self.port} within {timeout_s} s")

    def log(self) -> str:
        path = self._dir / "out.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


class Reachable(Protocol):
    host: str
    port: int


def bridged_site(config_path: Path, port: int, central: Reachable) -> PrivateBroker:
    """The site's own mosquitto on ``port``, bridged to ``central`` by the very section that
    ``callboard bridge-config`` writes for the config at ``config_path``."""
    where = f"{central.host}:{central.port}"
    command = ["bridge-config", "--config", str(config_path), "--no-tls", "--central", where]
    result = subprocess.run(
        [sys.executable, "-m", "callboard", *command],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return PrivateBroker(port=port, extra_config=result.stdout).start()


class _Link:
    """One TCP connection through the WAN: the site's side and the centre's."""

    def __init__(self, near: socket.socket, far: socket.socket, dark: bool) -> None:
        self.near, self.far = near, far
        self.dark = dark
        """Bytes that cross a cut link are lost, as packets into a dead line are."""
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed.set()
        self.near.close()  # closing a closed socket is allowed
        self.far.close()


class WanLink:
    """The WAN between a site and the centre: a TCP relay on a free loopback port that a test
    can cut. Cut, every byte either way is dropped without a word (no reset, no close: the
    line is dead, as when a router or a leased line fails), on the connections open then and
    on any made meanwhile; QoS 1 messages sent into it are lost on the wire and only their
    sender's queue has them. Restored, those connections are gone (as their TCP state is
    after a real outage: the peers' keepalives or a router's reset end them) and new ones
    pass again. The central broker and the collector beside it never notice the cut."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.host, self.port = self._server.getsockname()[:2]
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._up = True
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="wan-accept").start()

    def cut(self) -> None:
        with self._lock:
            self._up = False
            for link in self._links:
                link.dark = True

    def restore(self) -> None:
        with self._lock:
            self._up = True
            links, self._links = self._links, []
        for link in links:
            link.close()

    def close(self) -> None:
        self._closed = True
        self._server.close()
        self.restore()

    def _accept(self) -> None:
        while not self._closed:
            try:
                near, _ = self._server.accept()
            except OSError:
                return
            try:
                far = socket.create_connection(self.target, timeout=5)
            except OSError:
                near.close()  # the centre itself is down: a refused connection
                continue
            with self._lock:
                link = _Link(near, far, dark=not self._up)
                self._links.append(link)
            threading.Thread(target=self._pump, args=(link,), daemon=True).start()

    @staticmethod
    def _pump(link: _Link) -> None:
        ends = {link.near: link.far, link.far: link.near}
        try:
            while not link.closed.is_set():
                readable, _, _ = select.select(list(ends), [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        link.close()
                        return
                    if not link.dark:
                        ends[sock].sendall(data)
        except (OSError, ValueError):  # closed under us by restore()
            link.close()
