"""The regional manager's Network page, in-process against a real broker and a real SQLite
collector database filled by the collector's own store code (tests/console/network_stage.py):
the fleet with those needing a person first, the hand-worked figures by site, service and
hour, the CSV file, and who may see it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from callboard.demo.broker import PrivateBroker
from config import load_config
from console.app import make_app
from lobby.errors import ConfigError
from tests.central.figures_data import DAY
from tests.console.browser import TELLER_PC, fits_width, log_in, new_chrome
from tests.console.conftest import (
    SECRET,
    Browser,
    ConsoleProcess,
    add_staff,
    free_port,
)
from tests.console.network_stage import console_config_text, stage_centre

ON_DAY = f"from={DAY}&to={DAY}"


def network_config(tmp_path: Path, site: str, port: int, central: Path) -> Path:
    path = tmp_path / "console" / "callboard.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(console_config_text(site, port, free_port(), central), encoding="utf-8")
    config = load_config(path)
    add_staff(config, "li", "teller", ("2",))
    add_staff(config, "zhao", "manager")
    return path


@pytest.fixture
def central(tmp_path: Path) -> Path:
    return stage_centre(tmp_path / "centre")


@pytest.fixture
def network_app(
    tmp_path: Path, site: str, broker: PrivateBroker, central: Path
) -> Iterator[Callable[[], Browser]]:
    config = load_config(network_config(tmp_path, site, broker.port, central))
    app = make_app(config, SECRET, "test")
    with TestClient(app, base_url="http://127.0.0.1") as first:
        clients = [first]

        def browser() -> Browser:
            client = first if len(clients) == 1 else TestClient(app, base_url="http://127.0.0.1")
            clients.append(client)
            return Browser(client)

        yield browser


def cells(html: str, attribute: str) -> dict[str, list[str]]:
    """Each table row carrying ``attribute`` (its value -> the row's cells as text)."""
    found = {}
    for value, row in re.findall(rf'<tr[^>]*{attribute}="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        parts = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        found[value] = [unescape(re.sub(r"<[^>]+>|\s+", " ", p)).strip() for p in parts]
    return found


def devices_in_order(html: str) -> list[str]:
    return re.findall(r'data-device="([^"]+)"', html)


def test_a_manager_sees_the_fleet_and_the_networks_figures(
    network_app: Callable[[], Browser],
) -> None:
    browser = network_app()
    browser.login("zhao")
    page = browser.client.get(f"/manager/network?{ON_DAY}")
    assert page.status_code == 200
    assert '<a href="/manager/network">Network</a>' in page.text
    html = page.text
    # Those needing a person first: the kiosk without paper, the screen that said goodbye,
    # the screen silent for 12 minutes; then every other device by site.
    order = devices_in_order(html)
    assert order[:3] == ["north-kiosk", "south-screen-1", "south-screen-2"]
    assert len(order) == 15 and "sh-pudong-screen-1" in order[3:]
    fleet = cells(html, "data-device")
    assert fleet["north-kiosk"] == ["north", "north-kiosk", "kiosk", "online", "0.4.0",
                                    "paper out", fleet["north-kiosk"][-1]]  # fmt: skip
    assert fleet["south-screen-2"][3] == "offline"
    assert fleet["south-screen-2"][-1] == "12 min ago"
    assert fleet["north-queue"][3:6] == ["online", "0.4.0", "none"]
    assert "15 devices at 6 sites:" in html and "2 offline" in html and "1 with faults" in html

    rows = cells(html, "data-name")
    assert rows["north"] == ["north", "4", "3", "1", "1", "3:22", "10:00", "6:07", "2", "50 %"]
    assert rows["south"] == ["south", "7", "6", "1", "0", "2:57", "15:00", "2:03", "2", "50 %"]
    assert list(rows)[:6] == ["hz-binjiang", "hz-xihu", "nb-haishu", "north", "sh-pudong", "south"]
    assert rows["network"][:2] == ["network", "197"]

    # One site by service, and by hour.
    north = cells(browser.client.get(f"/manager/network?{ON_DAY}&by=service&site=north").text,
                  "data-name")  # fmt: skip
    assert north == {
        "consult": ["consult", "1", "1", "0", "1", "0:30", "0:30", "10:00", "0", "–"],
        "general": ["general", "3", "2", "1", "0", "4:20", "10:00", "4:10", "2", "50 %"],
        "north": ["north", "4", "3", "1", "1", "3:22", "10:00", "6:07", "2", "50 %"],
    }
    south = cells(browser.client.get(f"/manager/network?{ON_DAY}&by=hour&site=south").text,
                  "data-name")  # fmt: skip
    assert [(h, row[1]) for h, row in south.items()] == [("09:00", "1"), ("11:00", "6"),
                                                         ("south", "7")]  # fmt: skip

    # Today (the default): no tickets stored, said so; the fleet is there all the same.
    today = browser.client.get("/manager/network").text
    assert "No finished tickets stored for" in today
    assert cells(today, "data-name")["network"][1] == "0"
    assert len(devices_in_order(today)) == 15


def test_the_figures_download_as_csv(network_app: Callable[[], Browser]) -> None:
    browser = network_app()
    browser.login("zhao")
    page = browser.client.get(f"/manager/network?{ON_DAY}&by=site&site=south")
    link = re.search(r'id="network-csv" href="([^"]+)"', page.text)
    assert link
    answer = browser.client.get(unescape(link.group(1)))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert f'filename="callboard-south-by-site-{DAY}.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["by"], r["name"], r["tickets"], r["p90_wait_s"]) for r in rows] == [
        ("site", "south", "7", "900.0"),
        ("total", "south", "7", "900.0"),
    ]
    whole = browser.client.get(f"/manager/network.csv?{ON_DAY}&by=service")
    rows = list(csv.DictReader(io.StringIO(whole.text)))
    assert rows[-1]["name"] == "network" and rows[-1]["tickets"] == "197"


def test_a_teller_never_sees_the_network_and_bad_asks_get_a_sentence(
    network_app: Callable[[], Browser],
) -> None:
    teller = network_app()
    teller.login("li")
    assert ">Network<" not in teller.client.get("/counter/2").text
    for url in ("/manager/network", f"/manager/network.csv?{ON_DAY}"):
        answer = teller.client.get(url)
        assert answer.status_code == 403
        assert "This page is for the branch manager" in answer.text
        assert "north" not in answer.text
    manager = network_app()
    manager.login("zhao")
    for query, said in (
        ("from=2026-03-02&to=2026-03-01", "a last day on or after it"),
        ("from=2%20March", "Please give the first day as YYYY-MM-DD."),
        ("by=counter", "by site, by service or by hour"),
        ("site=North%20Side", "There is no such site."),
    ):
        answer = manager.client.get(f"/manager/network?{query}")
        assert answer.status_code == 422 and said in answer.text, query
        assert "Traceback" not in answer.text


def test_a_console_not_pointed_at_a_collector_has_no_network_page(
    console_app: Callable[[], Browser],
) -> None:
    browser = console_app()
    browser.login("zhao")
    assert ">Network<" not in browser.client.get("/manager/today").text
    answer = browser.client.get("/manager/network")
    assert answer.status_code == 404
    assert "not connected to the network's collector" in unescape(answer.text)


def test_a_database_that_is_away_is_one_calm_sentence(
    tmp_path: Path, site: str, broker: PrivateBroker
) -> None:
    central = tmp_path / "central.toml"
    central.write_text('[central]\ndatabase = "postgresql://nobody@127.0.0.1:1/none"\n')
    config = load_config(network_config(tmp_path, site, broker.port, central))
    with TestClient(make_app(config, SECRET, "test"), base_url="http://127.0.0.1") as client:
        browser = Browser(client)
        browser.login("zhao")
        answer = client.get("/manager/network")
        assert answer.status_code == 503
        assert "The network's database cannot be read just now." in unescape(answer.text)
        assert "127.0.0.1:1" not in answer.text and "Traceback" not in answer.text
        assert client.get("/manager/network.csv").status_code == 503


def test_a_wrong_central_config_is_named_in_the_consoles_config_problems(
    tmp_path: Path, site: str
) -> None:
    central = tmp_path / "central.toml"
    central.write_text('[central]\ndatabase = "mysql://x"\nstale_after = 5\n')
    path = tmp_path / "callboard.toml"
    path.write_text(console_config_text(site, 1883, 8080, central))
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    expected = f"console.central_config: found a string '{central}', expected the collector's"
    assert [p for p in raised.value.problems if p.startswith(expected)] == raised.value.problems
    assert any("central.database: found a string 'mysql://x'" in p for p in raised.value.problems)
    assert any("central.stale_after: unknown key" in p for p in raised.value.problems)
    path.write_text(console_config_text(site, 1883, 8080, tmp_path / "none.toml"))
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert len(raised.value.problems) == 1
    assert "cannot read the file: No such file or directory" in raised.value.problems[0]


@pytest.mark.slow
def test_the_network_page_fits_a_managers_pc(
    tmp_path: Path, site: str, broker: PrivateBroker, central: Path
) -> None:
    console = ConsoleProcess(network_config(tmp_path, site, broker.port, central))
    driver = new_chrome(TELLER_PC)
    try:
        log_in(driver, console.url, "zhao")
        driver.get(f"{console.url}/manager/network?{ON_DAY}")
        assert fits_width(driver)
        first = driver.find_element("css selector", "#fleet tbody tr")
        assert first.get_attribute("data-device") == "north-kiosk"
        assert first.is_displayed()
        total = driver.find_element("css selector", "#figures tfoot tr").text.split()
        assert total[:2] == ["network", "197"]
        driver.save_screenshot(str(tmp_path / "network.png"))
    finally:
        driver.quit()
        console.stop()
