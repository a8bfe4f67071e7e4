"""The console's screenshots for the README, from a staged lobby: a private mosquitto, the
real queue engine whose store has lived through a morning (three hours of tickets, calls,
no-shows and ratings, fed to the engine's own store at the times they happened), `callboard
console`, and a peer publishing what other devices would (their statuses, a notice),
photographed by headless chromium at a teller's 1366x768 and a phone's width.

    .venv/bin/python -m tests.console.screenshots docs     (docs/screenshots.sh runs it)
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from callboard.demo.broker import PrivateBroker, free_port
from config import load_config
from config.settings import Config
from engine.service import QueueEngine
from engine.store import QueueStore
from lobby.contract import (
    CounterRequest,
    Notice,
    NoticePage,
    Rating,
    TicketRequest,
    format_ts,
)
from lobby.topics import Topics
from tests.conftest import Peer, config_text, wait_until
from tests.console.browser import PHONE, TELLER_PC, log_in, new_chrome, wait
from tests.console.conftest import ConsoleProcess, add_staff

NOTICE = Notice(
    ("欢迎光临 Welcome to our branch", "Policy changes: please bring your ID card"),
    (NoticePage("理赔申请所需材料", ("理赔申请书", "被保险人身份证件", "保险合同")),),
)


def status(device: str, role: str, state: str = "online", faults: tuple[str, ...] = ()) -> dict:
    return {
        "v": 1, "device": device, "state": state, "version": "0.1.0",
        "ts": format_ts(datetime.now().astimezone()), "uptime_s": 9240, "rejected": 0,
        "role": role, "instance": "5be0c1d2", "faults": list(faults),
    }  # fmt: skip


ARRIVALS = {"general": 34, "consult": 8, "vip": 3, "complaint": 2, "cashier": 12}
"""Tickets an hour per service, the busy middle of a weekday morning."""
SERVICE_MINUTES = {"1": 6, "2": 5, "3": 5, "4": 7, "5": 12, "6": 3}


def a_morning(store: QueueStore, config: Config, end: datetime, seed: int = 7) -> None:
    """Three hours (or since midnight) of a lobby, minute by minute, into the engine's store:
    customers take tickets, each counter calls the next when free, one in twelve does not
    come (skipped), and one served customer in two rates the counter."""
    rng = random.Random(seed)
    start = max(end - timedelta(hours=3), end.replace(hour=0, minute=1, second=0))
    busy_until = {c.id: start for c in config.counters}
    serving: dict[str, tuple[str, bool] | None] = {c.id: None for c in config.counters}
    n = 0
    minute = start
    while minute < end:
        for service, per_hour in ARRIVALS.items():
            for _ in range(sum(rng.random() < per_hour / 60 / 3 for _ in range(3))):
                n += 1
                at = minute + timedelta(seconds=rng.randrange(40))  # the counters act at :50
                store.apply(TicketRequest(f"k-{n}", service, at), at)
        at = minute + timedelta(seconds=50)
        for counter, free_at in busy_until.items():
            if free_at > at:
                continue
            n += 1
            if (now_serving := serving[counter]) is not None:
                ticket, no_show = now_serving
                store.apply(
                    CounterRequest(f"b-{n}", counter, "skip" if no_show else "done", at), at
                )
                if not no_show and rng.random() < 0.5:
                    score = rng.choices((3, 2, 1), (8, 2, 1))[0]
                    store.apply(Rating(f"r-{n}", counter, ticket, score, 3, at), at)
            n += 1
            store.apply(CounterRequest(f"b-{n}", counter, "next", at), at)
            called = store.counter_state(counter, at).ticket
            no_show = rng.random() < 1 / 12
            serving[counter] = (called, no_show) if called else None
            minutes = 2 if no_show else rng.uniform(0.5, 1.6) * SERVICE_MINUTES.get(counter, 5)
            busy_until[counter] = at + timedelta(minutes=minutes)
        minute += timedelta(minutes=1)


def stage(peer: Peer, topics: Topics) -> None:
    """Devices saying how they are, and the lobby's notice."""
    for device, role, state, faults in (
        ("lobby-pi-1", "display", "online", ()),
        ("lobby-pi-2", "display", "online", ("no voice: espeak-ng has no voice cmn-latn-pinyin",)),
        ("kiosk-1", "kiosk", "online", ("paper out",)),
        ("lobby-pi-3", "display", "offline", ()),
    ):
        peer.publish(topics.status(device), status(device, role, state, faults), retain=True)
    peer.publish(topics.notice, NOTICE.payload(), retain=True)


def whole_page(driver: WebDriver, width: int, path: Path) -> None:
    driver.execute_script("window.scrollTo(0, 0);")
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    driver.set_window_size(width, max(768, int(height)))
    time.sleep(0.4)
    driver.save_screenshot(str(path))
    print(f"wrote {path}")


def photograph(url: str, out: Path) -> None:
    teller = new_chrome(TELLER_PC)
    phone = new_chrome(PHONE)
    try:
        for driver in (teller, phone):
            log_in(driver, url, "li.wei")
            wait(driver, lambda d: d.find_element(By.ID, "ticket").text not in ("", "—"))
            time.sleep(1.2)  # the served-for clock has ticked
        teller.save_screenshot(str(out / "console-teller-1366x768.png"))
        phone.save_screenshot(str(out / "console-teller-phone.png"))
        print(f"wrote {out}/console-teller-1366x768.png and console-teller-phone.png")
        manager = new_chrome(TELLER_PC)
        log_in(manager, url, "zhao.min")
        time.sleep(0.8)  # the chart is drawn
        whole_page(manager, TELLER_PC[0], out / "console-today.png")
        manager.set_window_size(*TELLER_PC)
        manager.get(f"{url}/manager/devices")
        whole_page(manager, TELLER_PC[0], out / "console-devices.png")
        manager.set_window_size(*TELLER_PC)
        manager.get(f"{url}/manager/notices")
        manager.find_element(By.ID, "site-preview").click()
        wait(manager, lambda d: d.find_element(By.ID, "preview").get_attribute("src"), 60)
        whole_page(manager, TELLER_PC[0], out / "console-notices.png")
        manager.quit()
    finally:
        teller.quit()
        phone.quit()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        site, web = "hz-main", free_port()
        text = config_text(site, broker.port, "lobby-pi-1").replace(
            "embedded = false", f'embedded = false\ndb = "{folder}/q.sqlite3"'
        )
        text = text.replace('listen = "127.0.0.1:8080"', f'listen = "127.0.0.1:{web}"')
        (folder / "callboard.toml").write_text(text, encoding="utf-8")
        config = load_config(folder / "callboard.toml")
        add_staff(config, "li.wei", "teller", ("2",))
        add_staff(config, "zhao.min", "manager")
        store = QueueStore(folder / "q.sqlite3", config)
        a_morning(store, config, datetime.now().astimezone() - timedelta(minutes=1))
        if store.counter_state("2", datetime.now().astimezone()).ticket is None:
            at = datetime.now().astimezone()  # li.wei's counter serves someone in the photos
            store.apply(TicketRequest("k-last", "general", at), at)
            store.apply(CounterRequest("b-last", "2", "next", at), at)
        store.close()
        engine = QueueEngine(config, version="0.1.0")
        threading.Thread(target=engine.run, daemon=True).start()
        assert engine.ready.wait(30)
        peer = Peer(broker.host, broker.port)
        stage(peer, Topics("callboard", site))
        console = ConsoleProcess(folder / "callboard.toml")
        try:
            assert wait_until(lambda: console.process.poll() is None, 2)
            photograph(console.url, out)
        finally:
            console.stop()
            peer.close()
            engine.stop()
            engine.finished.wait(15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
