"""In a real browser (headless chromium, selenium), against real processes: a mosquitto,
the queue engine, `callboard console` and `callboard run` (a lobby screen read by
tesseract). A teller presses Next and sees the ticket; the call is on the broker and on
the board. Two tellers press at once. The manager publishes a notice and the board
shows it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pygame
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from config import load_config
from display.board_view import BoardPainter, Frame
from display.fonts import find_fonts
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import Notice, NoticePage
from lobby.topics import Topics
from tests.conftest import Peer, ocr_line, readings, wait_until
from tests.console.browser import PHONE, TELLER_PC, fits_width, log_in, new_chrome, text_of, wait
from tests.console.conftest import ConsoleProcess, add_staff, write_console_config
from tests.console.test_teller import take_ticket
from tests.engine.test_epochs import Engine, engine_config
from tests.screen.test_daemon import SIZE, expected_rects, screenshot

pytestmark = pytest.mark.slow


@pytest.fixture
def engine(tmp_path: Path, site: str, broker) -> Iterator[Engine]:
    running = Engine.start(
        engine_config(tmp_path / "engine", site, broker.port, tmp_path / "q.sqlite3")
    )
    yield running
    running.stop()


@pytest.fixture
def console(tmp_path: Path, site: str, broker) -> Iterator[ConsoleProcess]:
    path = write_console_config(tmp_path / "console", site, broker.port)
    config = load_config(path)
    add_staff(config, "li", "teller", ("2",))
    add_staff(config, "wang", "teller", ("3",))
    add_staff(config, "zhao", "manager")
    process = ConsoleProcess(path)
    yield process
    process.stop()


@pytest.fixture
def screen(start_daemon, peer: Peer, topics: Topics):  # type: ignore[no-untyped-def]
    peer.subscribe(topics.status("screen-1"))
    peer.subscribe(topics.ack("screen-1"))
    daemon = start_daemon("screen-1")
    peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "online", timeout=20)
    return daemon


@pytest.fixture
def chrome():  # type: ignore[no-untyped-def]
    drivers = []

    def open_one(size: tuple[int, int] = TELLER_PC):  # type: ignore[no-untyped-def]
        drivers.append(new_chrome(size))
        return drivers[-1]

    yield open_one
    for driver in drivers:
        driver.quit()


def test_a_teller_presses_next_and_sees_the_call_on_the_page_the_broker_and_the_board(
    engine, console, screen, chrome, peer: Peer, topics: Topics, tmp_path: Path
) -> None:
    peer.subscribe(topics.call)
    take_ticket(peer, topics)
    driver = chrome()
    log_in(driver, console.url, "li")
    assert driver.current_url.endswith("/counter/2")
    wait(driver, lambda d: "1" in d.find_element(By.ID, "part-waiting").text)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.F1)  # Next, by its key
    wait(driver, lambda d: text_of(d, "ticket") == "A001")
    call = peer.wait_for(topics.call)[0].json()
    assert (call["ticket"], call["counter"], call["kind"]) == ("A001", "2", "call")
    assert "Calling the next customer." in driver.find_element(By.ID, "said").text
    peer.wait_for(topics.ack("screen-1"), lambda m: m.json()["call_id"] == call["id"])
    image = screenshot(screen, tmp_path / "screen-1")
    hero = next(r for t, r in expected_rects("A001", "2").drawn["hero"] if t == "A001")
    assert "A001" in readings(image, hero, "A001")  # as a person across the hall reads it
    wait(driver, lambda d: ":0" in text_of(d, "served-for"))  # the served-for clock runs
    driver.find_element(By.ID, "act-recall").click()  # a click does the same as a key
    peer.wait_for(topics.call, lambda m: m.json()["kind"] == "recall")
    assert fits_width(driver)


def test_two_tellers_pressing_at_once_call_two_customers(
    engine, console, chrome, peer: Peer, topics: Topics
) -> None:
    peer.subscribe(topics.call)
    take_ticket(peer, topics)
    take_ticket(peer, topics)
    li, wang = chrome(), chrome()
    log_in(li, console.url, "li")
    log_in(wang, console.url, "wang")
    for driver in (li, wang):
        wait(driver, lambda d: "2" in d.find_element(By.ID, "part-waiting").text)
    buttons = [d.find_element(By.ID, "act-next") for d in (li, wang)]
    go = threading.Barrier(2)

    def press(i: int) -> None:
        go.wait()
        buttons[i].click()

    pressing = [threading.Thread(target=press, args=(i,)) for i in range(2)]
    for thread in pressing:
        thread.start()
    for thread in pressing:
        thread.join(10)
    calls = [m.json() for m in peer.wait_for(topics.call, count=2)]
    assert sorted((c["counter"], c["ticket"]) for c in calls) in (
        [("2", "A001"), ("3", "A002")],
        [("2", "A002"), ("3", "A001")],
    )
    for driver, counter in ((li, "2"), (wang, "3")):
        mine = next(c["ticket"] for c in calls if c["counter"] == counter)
        wait(driver, lambda d, t=mine: text_of(d, "ticket") == t)
    wait(li, lambda d: "0" in d.find_element(By.ID, "part-waiting").text)


def notice_rects(notice: Notice) -> BoardPainter:
    """Where the board draws this notice's page over an empty board."""
    config = load_config(Path(__file__).resolve().parents[2] / "config" / "lobby.toml")
    painter = BoardPainter(config, TextCache(find_fonts()), SIZE)
    wall = datetime.now().astimezone()
    painter.paint(pygame.Surface(SIZE), Frame(BoardState(), 0.0, wall, True, notice))
    return painter


def test_the_manager_publishes_a_notice_and_the_board_shows_it(
    engine, console, screen, chrome, peer: Peer, topics: Topics, tmp_path: Path
) -> None:
    peer.subscribe(topics.notice)
    driver = chrome()
    log_in(driver, console.url, "zhao")
    driver.get(f"{console.url}/manager/notices")
    driver.find_element(By.ID, "site-marquee").send_keys("Welcome to our branch")
    driver.find_element(By.CSS_SELECTOR, "#notice-site details summary").click()
    driver.find_element(By.ID, "site-title0").send_keys("Claim documents")
    driver.find_element(By.ID, "site-lines0").send_keys("Your ID card\nThe policy")
    wait(driver, lambda d: d.find_element(By.ID, "preview").get_attribute("src"), 60)
    driver.find_element(By.ID, "site-publish").click()
    wait(driver, lambda d: "Published to this lobby" in d.find_element(By.ID, "notice-site").text)
    sent = Notice.parse(peer.wait_for(topics.notice)[0].payload)
    assert sent.marquee == ("Welcome to our branch",)
    notice = Notice(sent.marquee, (NoticePage("Claim documents", ("Your ID card", "The policy")),))
    title = next(r for t, r in notice_rects(notice).drawn["pages"] if t == "Claim documents")

    def board_reads() -> str:
        return ocr_line(screenshot(screen, tmp_path / "screen-1"), title)

    assert wait_until(lambda: board_reads() == "Claim documents", 10), board_reads()
    assert fits_width(driver)


@pytest.mark.parametrize("size", [TELLER_PC, PHONE])
def test_every_page_fits_a_tellers_pc_and_a_phone(
    console, chrome, peer: Peer, topics: Topics, size: tuple[int, int]
) -> None:
    driver = chrome(size)
    log_in(driver, console.url, "li")
    assert fits_width(driver), driver.current_url
    driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
    wait(driver, lambda d: d.current_url.endswith("/login"))
    log_in(driver, console.url, "zhao")
    for page in ("today", "notices", "devices"):
        driver.get(f"{console.url}/manager/{page}")
        time.sleep(0.2)
        assert fits_width(driver), page
