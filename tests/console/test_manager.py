"""The manager's pages in-process against a real broker: notices published retained and
cleared, the board's preview drawn by `callboard render`, the devices from their retained
statuses, and today's figures and the CSV files from the contract's DayFigures and
StatsPage answers: the real queue engine's, and a peer's where the test needs figures a
morning of real requests cannot make quickly (waits of minutes, parts out of order)."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from engine.service import QueueEngine
from lobby.contract import (
    FIGURE_COLUMNS,
    CounterRequest,
    Notice,
    Rating,
    StatsPage,
    StatsRequest,
    TicketRequest,
)
from lobby.topics import Topics
from tests.conftest import Peer, wait_until
from tests.console.conftest import Browser
from tests.engine.test_epochs import now
from tests.engine.test_figures import engine_config

TS = "2026-11-28T10:30:00+08:00"
FIGURES = {
    "v": 1,
    "day": "2026-11-28",
    "ts": TS,
    "rows": [
        ["2026-11-28", "service", "general", 40, 30, 3, 1, 6, 312.0, 660.0, 240.0, 20, 0.75],
        ["2026-11-28", "service", "consult", 12, 10, 1, 0, 1, 95.5, 180.0, 300.0, 5, 1.0],
        ["2026-11-28", "counter", "2", 18, 16, 2, 1, 0, None, None, 250.0, 12, 0.75],
        ["2026-11-28", "counter", "3", 22, 24, 2, 0, 0, None, None, 230.0, 13, 0.846],
    ],
    "hours": {"9": [14, 120.0], "10": [26, 400.5], "11": [12, None]},
}


def manager(console_app: Callable[[], Browser]) -> Browser:
    browser = console_app()
    browser.login("zhao")
    return browser


def test_a_manager_lands_on_today(console_app: Callable[[], Browser]) -> None:
    browser = manager(console_app)
    assert browser.client.get("/", follow_redirects=False).headers["location"] == "/manager/today"


def test_a_notice_is_published_retained_and_cleared(
    console_app: Callable[[], Browser], peer: Peer, topics: Topics, broker
) -> None:
    peer.subscribe(topics.notice)
    browser = manager(console_app)
    form = {
        "csrf": browser.csrf,
        "marquee": "欢迎光临\n  Welcome  \n\n",
        "title0": "理赔申请所需材料",
        "lines0": "身份证\n保单",
    }
    answer = browser.client.post(
        "/manager/notices/site/publish", data=form, headers={"X-Requested-With": "console"}
    )
    assert answer.status_code == 202 and answer.json()["message"] == (
        "Published to this lobby's screens."
    )
    sent = peer.wait_for(topics.notice)[0]
    notice = Notice.parse(sent.payload)
    assert notice.marquee == ("欢迎光临", "Welcome")
    assert notice.pages[0].title == "理赔申请所需材料" and notice.pages[0].lines == (
        "身份证",
        "保单",
    )
    retained = Peer(broker.host, broker.port)
    retained.subscribe(topics.notice)
    assert retained.wait_for(topics.notice)[0].retain
    retained.close()
    page = browser.client.get("/manager/notices")
    assert wait_until(lambda: "理赔申请所需材料" in browser.client.get("/manager/notices").text)
    assert page.status_code == 200
    cleared = browser.client.post(
        "/manager/notices/site/clear",
        data={"csrf": browser.csrf},
        headers={"X-Requested-With": "console"},
    )
    assert cleared.json()["message"] == "Cleared for this lobby's screens."
    assert json.loads(peer.wait_for(topics.notice, count=2)[1].payload) == {"v": 1}


def test_the_branch_notice_goes_to_every_lobby(
    console_app: Callable[[], Browser], peer: Peer, topics: Topics
) -> None:
    peer.subscribe(topics.branch_notice)
    browser = manager(console_app)
    browser.client.post(
        "/manager/notices/branch/publish",
        data={"csrf": browser.csrf, "marquee": f"branch {topics.site}"},
    )
    got = peer.wait_for(topics.branch_notice, lambda m: topics.site.encode() in m.payload)
    assert Notice.parse(got[0].payload).marquee == (f"branch {topics.site}",)
    peer.publish(topics.branch_notice, b"", retain=True)  # leave the shared topic clean


def test_a_notice_over_the_boards_limits_is_a_sentence(
    console_app: Callable[[], Browser], peer: Peer, topics: Topics
) -> None:
    peer.subscribe(topics.notice)
    browser = manager(console_app)
    for form, sentence in (
        ({"marquee": "\n".join("abcdef")}, "The marquee takes at most 4 lines; please remove 2."),
        ({"marquee": "x" * 81}, "The marquee, line 1, has 81 characters; the board shows 80."),
        ({"title2": "t" * 33}, "Page 3's title, line 1, has 33 characters; the board shows 32."),
        ({"lines0": "\n".join("123456789")}, "Page 1 takes at most 8 lines; please remove 1."),
    ):
        answer = browser.client.post(
            "/manager/notices/site/publish",
            data={"csrf": browser.csrf, **form},
            headers={"X-Requested-With": "console"},
        )
        assert answer.status_code == 422 and answer.json()["error"] == sentence
    unknown = browser.client.post("/manager/notices/region/publish", data={"csrf": browser.csrf})
    assert unknown.status_code == 404
    assert peer.on(topics.notice) == []


def test_the_preview_is_the_board_drawn_with_the_notice(console_app: Callable[[], Browser]) -> None:
    browser = manager(console_app)
    answer = browser.client.post(
        "/manager/notices/site/preview",
        data={"csrf": browser.csrf, "marquee": "Welcome to the preview"},
        headers={"X-Requested-With": "console"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/png"
    assert answer.content.startswith(b"\x89PNG") and len(answer.content) > 10_000


def status(device: str, role: str, state: str = "online", faults: list[str] | None = None) -> dict:
    return {
        "v": 1,
        "device": device,
        "state": state,
        "version": "0.1.0",
        "ts": TS,
        "uptime_s": 7300,
        "rejected": 0,
        "role": role,
        "instance": "ab12cd34",
        "faults": faults or [],
    }


def test_devices_show_role_state_version_and_faults(
    console_app: Callable[[], Browser], peer: Peer, topics: Topics
) -> None:
    browser = manager(console_app)
    peer.publish(topics.status("kiosk-1"), status("kiosk-1", "kiosk", faults=["paper out"]), True)
    peer.publish(topics.status("lobby-pi-2"), status("lobby-pi-2", "display", "offline"), True)
    peer.publish(topics.status("pi-queue"), status("pi-queue", "engine"), True)

    def page() -> str:
        return browser.client.get("/manager/devices").text

    assert wait_until(lambda: "lobby-pi-2" in page() and "paper out" in page())
    text = page()
    assert text.index("pi-queue") < text.index("lobby-pi-2") < text.index("kiosk-1")
    assert '<span class="fault">paper out</span>' in text
    assert "2 h 1 min" in text  # the kiosk's uptime
    peer.publish(topics.status("lobby-pi-2"), b"", retain=True)  # its retained status removed
    assert wait_until(lambda: "lobby-pi-2" not in page())


def test_today_shows_the_engines_figures(
    console_app: Callable[[], Browser], peer: Peer, topics: Topics
) -> None:
    browser = manager(console_app)
    assert "has not published today's figures yet" in browser.client.get("/manager/today").text
    peer.publish(topics.stats_today, FIGURES, retain=True)
    assert wait_until(lambda: "5:12" in browser.client.get("/manager/today").text)
    text = browser.client.get("/manager/today").text
    assert "General business" in text and "11:00" in text  # p90 of general: 660 s
    assert "75 %" in text and "85 %" in text  # satisfied: general 15 of 20; counter 3 11 of 13
    assert '"arrivals": [14, 26, 12]' in text.replace("&#34;", '"')
    download = browser.client.get("/manager/today.csv")
    assert download.headers["content-disposition"].endswith(f'-{FIGURES["day"]}.csv"')
    rows = list(csv.reader(io.StringIO(download.text)))
    assert tuple(rows[0]) == FIGURE_COLUMNS and len(rows) == 5
    assert rows[3][:3] == ["2026-11-28", "counter", "2"] and rows[3][8] == ""


def answer_requests(peer: Peer, topics: Topics, rows_per_day: int = 3) -> threading.Thread:
    """A stand-in engine: each StatsRequest answered in two parts, as the contract says."""

    def answer() -> None:
        got = peer.wait_for(topics.stats_request, timeout=20)
        request = StatsRequest.parse(got[0].payload)
        days = (request.last - request.first).days + 1
        rows = [
            (
                date.fromordinal(request.first.toordinal() + d).isoformat(),
                "service",
                "general",
                10 + d,
                9,
                1,
                0,
                0,
                100.0,
                200.0,
                300.0,
                4,
                0.75,
            )
            for d in range(days)
            for _ in range(rows_per_day)
        ]
        half = len(rows) // 2
        for part, chunk in ((2, rows[half:]), (1, rows[:half])):  # out of order, on purpose
            page = StatsPage(request.id, part, 2, tuple(chunk), now())
            peer.publish(topics.stats_reply, page.payload())

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    return thread


def test_a_range_of_days_is_asked_of_the_engine_and_downloaded(
    console_app: Callable[[], Browser], peer: Peer, topics: Topics
) -> None:
    peer.subscribe(topics.stats_request)
    browser = manager(console_app)
    answer_requests(peer, topics)
    download = browser.client.get("/manager/figures.csv?from=2026-11-01&to=2026-11-05")
    assert download.status_code == 200, download.text
    rows = list(csv.reader(io.StringIO(download.text)))
    assert tuple(rows[0]) == FIGURE_COLUMNS and len(rows) == 1 + 5 * 3
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])  # parts put in order
    assert "2026-11-01-2026-11-05.csv" in download.headers["content-disposition"]


def test_a_bad_range_is_a_sentence(console_app: Callable[[], Browser]) -> None:
    browser = manager(console_app)
    for query, sentence in (
        ("from=2026-13-01&to=2026-11-05", "Please give the first day as YYYY-MM-DD."),
        ("from=2026-11-05&to=2026-11-01", "Please choose a range of 1 to 366 days"),
        ("from=2024-01-01&to=2026-11-05", "Please choose a range of 1 to 366 days"),
    ):
        answer = browser.client.get(f"/manager/figures.csv?{query}")
        assert answer.status_code == 422 and sentence in answer.text


@pytest.fixture
def engine(tmp_path: Path, site: str, broker) -> Iterator[QueueEngine]:
    running = QueueEngine(engine_config(tmp_path, site, broker.port))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    assert running.ready.wait(30)
    yield running
    running.stop()
    thread.join(15)


def cells(html: str, table: str, name: str) -> list[str]:
    """The cells of one row of the today page's table, as the manager reads them."""
    part = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    found = re.search(rf'<tr data-name="{re.escape(name)}">(.*?)</tr>', part, re.S)
    if not found:
        return []
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", found[1], re.S)
    ]


def test_the_real_engines_morning_shows_on_today_and_in_the_csv(
    console_app: Callable[[], Browser], engine: QueueEngine, peer: Peer, topics: Topics
) -> None:
    browser = manager(console_app)
    for i in range(3):
        peer.publish(topics.ticket_request, TicketRequest(f"k-{i}", "general", now()).payload())
    for i, action in enumerate(("next", "done", "next")):
        peer.publish(
            topics.counter_request("2"), CounterRequest(f"b-{i}", "2", action, now()).payload()
        )
    peer.publish(topics.counter_rating("2"), Rating("r-1", "2", "A001", 3, 3, now()).payload())

    def counter_two() -> list[str]:
        return cells(browser.client.get("/manager/today").text, "counters", "2")

    assert wait_until(lambda: counter_two()[5:6] == ["1"], timeout=15), counter_two()
    assert counter_two()[1] == "2" and counter_two()[6] == "100 %"  # called A001, A002; 3 of 3
    general = cells(browser.client.get("/manager/today").text, "services", "general")
    assert general[1:4] == ["3", "1", "2"]  # tickets, waiting now, served
    day = now().date().isoformat()
    download = browser.client.get(f"/manager/figures.csv?from={day}&to={day}")
    assert download.status_code == 200, download.text
    rows = {(r[1], r[2]): r for r in csv.reader(io.StringIO(download.text))}
    assert rows[("service", "general")][:6] == [day, "service", "general", "3", "2", "0"]
    assert rows[("counter", "2")][FIGURE_COLUMNS.index("rated")] == "1"
