"""A network for the console's Network page: the collector's SQLite database filled by the
collector's own store code with the hand-worked day of tests/central/figures_data.py (sites
north and south), a few more generated sites, and devices of every kind of state; and a
console config whose ``central_config`` names it.

    .venv/bin/python -m tests.console.network_stage docs    (docs/console-network.png)
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from central.store import CentralStore, RecordRow, StatusRow
from lobby.contract import DeviceStatus
from tests.central.figures_data import DAY, fill, visit
from tests.conftest import config_text

MORE_SITES = ("hz-binjiang", "hz-xihu", "nb-haishu", "sh-pudong")
DEVICES = (  # site, device, role, state, faults, heard minutes ago
    ("north", "north-queue", "engine", "online", (), 0),
    ("north", "north-screen-1", "display", "online", (), 0),
    ("north", "north-kiosk", "kiosk", "online", ("paper out",), 0),
    ("south", "south-queue", "engine", "online", (), 1),
    ("south", "south-screen-1", "display", "offline", (), 3),  # its will: shut down
    ("south", "south-screen-2", "display", "online", (), 12),  # silent: the WAN is down?
    *((s, f"{s}-queue", "engine", "online", (), 0) for s in MORE_SITES),
    *((s, f"{s}-screen-1", "display", "online", (), 0) for s in MORE_SITES),
    ("hz-xihu", "hz-xihu-console", "console", "online", (), 0),
)


def _generated(store: CentralStore) -> None:
    """A day at each further site: 30 to 60 tickets, waits of up to 20 minutes."""
    rng = random.Random(16)
    rows = []
    at = datetime.now(UTC)
    for site in MORE_SITES:
        for n in range(rng.randrange(30, 60)):
            no_show = rng.random() < 0.08
            rated = None if no_show or rng.random() < 0.5 else (rng.randint(3, 5), 5)
            record = visit(
                100 + n,
                rng.randint(9, 16),
                rng.choice(("general", "general", "consult", "cashier")),
                rng.randint(0, 1200),
                None if no_show else rng.randint(120, 900),
                rated,
            )
            rows.append(RecordRow(site, record, at))
    store.write(rows, [])


def _statuses(store: CentralStore) -> None:
    now = datetime.now().astimezone().replace(microsecond=0)
    rows = []
    for site, device, role, state, faults, minutes in DEVICES:
        heard = now - timedelta(minutes=minutes)
        status = DeviceStatus(device, state, "0.4.0", heard, 86400, 0, role=role, faults=faults)
        rows.append(StatusRow(site, status, heard))
    store.write([], rows)


def stage_centre(folder: Path) -> Path:
    """The collector's database and its central.toml in ``folder``; the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite://{folder / 'central.sqlite3'}"
    store = CentralStore(url)
    fill(store)
    _generated(store)
    _statuses(store)
    store.close()
    config = folder / "central.toml"
    config.write_text(f'[central]\ndatabase = "{url}"\n', encoding="utf-8")
    return config


def console_config_text(site: str, broker_port: int, web_port: int, central: Path) -> str:
    text = config_text(site, broker_port, "console-pi")
    text = text.replace('listen = "127.0.0.1:8080"', f'listen = "127.0.0.1:{web_port}"')
    return text.replace("[console]\n", f'[console]\ncentral_config = "{central}"\n', 1)


def photograph(out: Path) -> Path:
    """docs/console-network.png: the page at a manager's 1366x768, the figures of DAY."""
    from selenium.webdriver.common.by import By

    from callboard.demo.broker import PrivateBroker, free_port
    from config import load_config
    from tests.console.browser import TELLER_PC, log_in, new_chrome
    from tests.console.conftest import ConsoleProcess, add_staff

    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        central = stage_centre(folder / "centre")
        path = folder / "callboard.toml"
        path.write_text(console_config_text("hz-main", broker.port, free_port(), central))
        add_staff(load_config(path), "zhao.min", "manager")
        console = ConsoleProcess(path)
        driver = new_chrome(TELLER_PC)
        try:
            log_in(driver, console.url, "zhao.min")
            driver.get(f"{console.url}/manager/network?from={DAY}&to={DAY}&by=site")
            driver.find_element(By.ID, "figures")
            target = out / "console-network.png"
            # The whole page at the PC's width: the window grown by what its frame takes.
            frame, height = driver.execute_script(
                "return [window.outerHeight - window.innerHeight,"
                " document.documentElement.scrollHeight];"
            )
            driver.set_window_size(TELLER_PC[0], int(frame) + int(height))
            driver.save_screenshot(str(target))
        finally:
            driver.quit()
            console.stop()
    return target


if __name__ == "__main__":
    print(f"wrote {photograph(Path(sys.argv[1] if len(sys.argv) > 1 else 'docs'))}")
