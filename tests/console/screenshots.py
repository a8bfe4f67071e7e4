"""The console's screenshots for the README, from a staged lobby: a private mosquitto, the
real queue engine with a morning's tickets, `callboard console`, and a peer publishing
what other devices would (their statuses, and the day's figures as the contract gives
them), photographed by headless chromium at a teller's 1366x768 and a phone's width.

    .venv/bin/python -m tests.console.screenshots docs     (docs/screenshots.sh runs it)
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from callboard.demo.broker import PrivateBroker, free_port
from config import load_config
from engine.service import QueueEngine
from lobby.contract import CounterRequest, Notice, NoticePage, TicketRequest, format_ts
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


def figures(day: str) -> dict:
    rows = [
        [day, "service", "general", 46, 31, 3, 1, 9, 412.0, 905.0, 268.0, 24, 19],
        [day, "service", "consult", 17, 13, 1, 0, 3, 188.0, 420.0, 315.0, 9, 8],
        [day, "service", "vip", 5, 5, 0, 0, 0, 42.0, 75.0, 540.0, 4, 4],
        [day, "service", "complaint", 4, 3, 0, 0, 1, 610.0, 960.0, 720.0, 2, 1],
        [day, "service", "cashier", 11, 10, 0, 0, 1, 130.0, 260.0, 150.0, 3, 3],
        [day, "counter", "1", 12, 12, 0, 0, 0, None, None, 402.0, 8, 8],
        [day, "counter", "2", 15, 13, 2, 1, 0, None, None, 255.0, 10, 8],
        [day, "counter", "3", 16, 14, 1, 0, 0, None, None, 281.0, 9, 7],
        [day, "counter", "4", 10, 10, 1, 0, 0, None, None, 330.0, 6, 5],
        [day, "counter", "5", 3, 3, 0, 0, 0, None, None, 720.0, 2, 1],
        [day, "counter", "6", 10, 10, 0, 0, 0, None, None, 150.0, 3, 3],
    ]
    hours = {"9": [14, 150.0], "10": [23, 390.0], "11": [19, 520.0], "12": [9, 300.0],
             "13": [12, 240.0], "14": [6, None]}  # fmt: skip
    ts = format_ts(datetime.now().astimezone())
    return {"v": 1, "day": day, "ts": ts, "rows": rows, "hours": hours}


def stage(peer: Peer, topics: Topics) -> None:
    """A morning: tickets taken, counters calling, devices saying how they are."""
    now = datetime.now().astimezone
    for n, service in enumerate(["general"] * 9 + ["consult"] * 3 + ["vip", "cashier"]):
        peer.publish(topics.ticket_request, TicketRequest(f"k-{n}", service, now()).payload())
    for n, counter in enumerate(["1", "3", "4", "2", "3", "2", "6"]):
        request = CounterRequest(f"b-{n}", counter, "next", now())
        peer.publish(topics.counter_request(counter), request.payload())
        time.sleep(0.3)
    for device, role, state, faults in (
        ("lobby-pi-1", "display", "online", ()),
        ("lobby-pi-2", "display", "online", ("no voice: espeak-ng has no voice cmn-latn-pinyin",)),
        ("kiosk-1", "kiosk", "online", ("paper out",)),
        ("lobby-pi-3", "display", "offline", ()),
    ):
        peer.publish(topics.status(device), status(device, role, state, faults), retain=True)
    peer.publish(topics.stats_today, figures(now().date().isoformat()), retain=True)
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
