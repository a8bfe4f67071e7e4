"""The web console's pace and cost: a teller's click on Next to the CallEvent on the broker,
with 20 other teller pages open and following the lobby live; and what the console
process costs (RSS, CPU) while those pages sit open and idle.

Real parts on this machine: a private mosquitto, the queue engine on a thread, `callboard
console` as a process of its own, headless chromium (selenium) for the clicking teller,
and 20 more teller sessions whose live streams (server-sent events) are read here.

    .venv/bin/python bench/console.py [--clicks 50] [--pages 20] [--idle 30]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import http.client
import logging
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from bench.common import lobby_config, percentile
from bench.render import cpu_seconds, peak_rss_mb
from callboard.demo.broker import PrivateBroker, free_port
from config import load_config
from console.accounts import new_staff, write_accounts
from engine.service import QueueEngine
from lobby.contract import TicketRequest
from lobby.topics import Topics
from tests.console.browser import log_in, new_chrome, text_of
from tests.console.conftest import PASSWORD

COUNTERS = ("1", "2", "3", "4", "5", "6")
GENERAL = ("1", "2", "3", "4")  # the example's counters that serve general business


class Arrivals:
    """When each message reached a plain subscriber (perf_counter), by topic."""

    def __init__(self, port: int, topics: list[str]) -> None:
        self.times: dict[str, list[tuple[float, float]]] = {t: [] for t in topics}
        """Topic -> (perf_counter, wall time) of each arrival."""
        self.lock = threading.Condition()
        self.client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
        self.client.on_message = self._got
        self.client.connect("127.0.0.1", port)
        for topic in topics:
            self.client.subscribe(topic, qos=1)
        self.client.loop_start()
        time.sleep(0.3)

    def _got(self, _c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        with self.lock:
            self.times[message.topic].append((time.perf_counter(), time.time()))
            self.lock.notify_all()

    def wait(self, topic: str, count: int, timeout: float = 10.0) -> tuple[float, float]:
        with self.lock:
            ok = self.lock.wait_for(lambda: len(self.times[topic]) >= count, timeout)
            if not ok:
                raise SystemExit(f"nothing arrived on {topic} within {timeout} s")
            return self.times[topic][count - 1]


class LivePage:
    """A teller's page as far as the server sees it: a session and its live stream."""

    def __init__(self, host: str, port: int, name: str, counter: str) -> None:
        self.counter = counter
        self.events = 0
        self.last_event = 0.0
        cookie, csrf = self._request(host, port, "GET", "/login", "", "")
        body = urllib.parse.urlencode({"name": name, "password": PASSWORD, "csrf": csrf})
        cookie, _ = self._request(host, port, "POST", "/login", body, cookie)
        self._stream = http.client.HTTPConnection(host, port, timeout=120)
        self._stream.request("GET", f"/counter/{counter}/live", headers={"Cookie": cookie})
        self._response = self._stream.getresponse()
        assert self._response.status == 200, self._response.status
        threading.Thread(target=self._read, daemon=True).start()

    @staticmethod
    def _request(host: str, port: int, method: str, path: str, body: str, cookie: str):  # type: ignore[no-untyped-def]
        connection = http.client.HTTPConnection(host, port, timeout=10)
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        set_cookie = response.getheader("set-cookie") or ""
        connection.close()
        csrf = re.search(r'csrf-token" content="([^"]+)"', text)
        return set_cookie.split(";")[0] or cookie, csrf.group(1) if csrf else ""

    def _read(self) -> None:
        try:
            for line in self._response:
                if line.startswith(b"event: parts"):
                    self.events += 1
                    self.last_event = time.perf_counter()
        except (OSError, AttributeError, ValueError):  # closed at the end of the bench
            return

    def close(self) -> None:
        self._stream.close()


def accounts(config_path: Path, pages: int) -> None:
    config = load_config(config_path)
    staff = {"clicker": new_staff("clicker", "teller", ("2",), PASSWORD)}
    for i in range(pages):
        name = f"teller{i + 1}"
        staff[name] = new_staff(name, "teller", (COUNTERS[i % len(COUNTERS)],), PASSWORD)
    write_accounts(config.console.users, staff)


def issue(client: mqtt.Client, topics: Topics, n: int) -> None:
    request = TicketRequest(f"bench-{n}-{time.time_ns()}", "general", datetime.now().astimezone())
    client.publish(topics.ticket_request, request.payload(), qos=1).wait_for_publish(5)


def clicks(
    args: argparse.Namespace, url: str, arrivals: Arrivals, topics: Topics, pages: list[LivePage]
) -> None:
    driver = new_chrome()
    try:
        log_in(driver, url, "clicker")
        button = driver.find_element("id", "act-next")
        # The pages of counters that serve general business change with each call (their
        # waiting count, counter 2's ticket); the others' pages rightly get nothing.
        followers = [p for p in pages if p.counter in GENERAL]
        # The page's own click event, by its clock (the wall clock, as the subscriber's):
        # the click without WebDriver's round trip to the browser.
        driver.execute_script(
            "document.addEventListener('click', function () {"
            " window.clickedAt = performance.timeOrigin + performance.now(); }, true);"
        )
        to_request, to_call, to_pages, page_to_call = [], [], [], []
        for n in range(args.clicks):
            issue(arrivals.client, topics, n)
            time.sleep(0.15)
            seen = [p.events for p in followers]
            start = time.perf_counter()
            button.click()
            to_request.append(arrivals.wait(topics.counter_request("2"), n + 1)[0] - start)
            called, called_wall = arrivals.wait(topics.call, n + 1)
            to_call.append(called - start)
            page_to_call.append(
                called_wall - driver.execute_script("return window.clickedAt;") / 1000
            )
            deadline = time.monotonic() + 5
            while any(p.events <= s for p, s in zip(followers, seen, strict=True)):
                if time.monotonic() > deadline:
                    raise SystemExit("a live page did not follow the call within 5 s")
                time.sleep(0.001)
            to_pages.append(max(p.last_event for p in followers) - called)
            while text_of(driver, "ticket") in ("", "—"):
                time.sleep(0.005)
        show("WebDriver click -> CounterRequest at a subscriber", to_request)
        show("WebDriver click -> CallEvent at a subscriber", to_call)
        show("the page's click event -> CallEvent at a subscriber", page_to_call)
        show(f"CallEvent -> the update on the {len(followers)} pages it changes", to_pages)
    finally:
        driver.quit()


def show(what: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"{what:55} p50 {percentile(ms, 0.5):6.1f} ms   p99 {percentile(ms, 0.99):6.1f} ms"
        f"   ({len(ms)} clicks)"
    )


def idle_cost(pid: int, seconds: float) -> None:
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    cpu = (cpu_seconds(pid) - start_cpu) / (time.monotonic() - start) * 100
    rss = next(
        int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmRSS:")
    )
    print(f"console idle, pages open, over {seconds:g} s: CPU {cpu:.2f} % of one core")
    print(f"console RSS now {rss:.1f} MB, peak {peak_rss_mb(pid):.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=50)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--idle", type=float, default=30.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    web = free_port()
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        path = lobby_config(
            Path(work),
            broker.port,
            changes={
                "embedded = false": f'embedded = false\ndb = "{work}/q.sqlite3"',
                'listen = "127.0.0.1:8080"': f'listen = "127.0.0.1:{web}"',
            },
        )
        accounts(path, args.pages)
        config = load_config(path)
        topics = Topics(config.mqtt.topic_root, config.site)
        engine = QueueEngine(config, version="bench")
        threading.Thread(target=engine.run, daemon=True).start()
        console = subprocess.Popen(
            [sys.executable, "-m", "callboard", "console", "--config", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            if not engine.ready.wait(30):
                raise SystemExit("the queue engine did not start")
            time.sleep(1.5)  # the console is up and has the retained state
            arrivals = Arrivals(broker.port, [topics.counter_request("2"), topics.call])
            pages = [
                LivePage("127.0.0.1", web, f"teller{i + 1}", COUNTERS[i % len(COUNTERS)])
                for i in range(args.pages)
            ]
            print(f"{args.pages} teller pages open; the clicking teller's page in chromium")
            clicks(args, f"http://127.0.0.1:{web}", arrivals, topics, pages)
            idle_cost(console.pid, args.idle)
            for page in pages:
                page.close()
        finally:
            console.terminate()
            console.wait(10)
            engine.stop()
            engine.finished.wait(15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
