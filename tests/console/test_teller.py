"""The teller's page in-process, against a real broker and a real queue engine: a press
becomes a CounterRequest for that counter, and the page shows what the engine answers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest

from config.settings import Config
from lobby.contract import CounterRequest, TicketRequest
from lobby.topics import Topics
from tests.conftest import Peer, wait_until
from tests.console.conftest import Browser
from tests.engine.test_epochs import Engine, engine_config, now


@pytest.fixture
def engine(tmp_path, site: str, broker) -> Iterator[Engine]:
    config = engine_config(tmp_path / "engine", site, broker.port, tmp_path / "q.sqlite3")
    running = Engine.start(config)
    yield running
    running.stop()


def take_ticket(peer: Peer, topics: Topics, service: str = "general") -> None:
    request = TicketRequest(f"k-{time.time_ns()}", service, now())
    peer.publish(topics.ticket_request, request.payload())


def test_a_teller_logs_in_and_is_taken_to_their_counter(console_app: Callable[[], Browser]) -> None:
    browser = console_app()
    answer = browser.login("li")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    home = browser.client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/counter/2"
    page = browser.client.get("/counter/2")
    assert (
        page.status_code == 200 and "Counter 2" in page.text and "Next <kbd>F1</kbd>" in page.text
    )


def test_a_teller_of_two_counters_chooses(console_app: Callable[[], Browser]) -> None:
    browser = console_app()
    browser.login("wang")
    page = browser.client.get("/")
    assert page.status_code == 200
    assert 'href="/counter/3"' in page.text and 'href="/counter/4"' in page.text
    assert 'href="/counter/2"' not in page.text


def test_a_wrong_password_is_a_polite_sentence(console_app: Callable[[], Browser]) -> None:
    browser = console_app()
    answer = browser.login("li", "not-the-password")
    assert answer.status_code == 401
    assert "do not match an account. Please try again." in answer.text
    assert browser.client.get("/counter/2", follow_redirects=False).status_code == 303


def test_next_reaches_the_engine_and_the_page_shows_the_ticket(
    console_app: Callable[[], Browser],
    console_config: Config,
    engine: Engine,
    peer: Peer,
    topics: Topics,
) -> None:
    peer.subscribe(topics.counter_request("+"))
    peer.subscribe(topics.call)
    take_ticket(peer, topics)
    browser = console_app()
    browser.login("li")
    answer = browser.press("2", "next")
    assert answer.status_code == 202, answer.text
    assert answer.json()["message"] == "Calling the next customer."
    sent = peer.wait_for(topics.counter_request("2"))[0].json()
    assert sent["action"] == "next" and sent["id"].startswith("w-console-pi-console-")
    call = peer.wait_for(topics.call)[0].json()
    assert call["ticket"] == "A001" and call["counter"] == "2" and call["request_id"] == sent["id"]
    view = lambda: browser.client.get("/counter/2").text  # noqa: E731
    assert wait_until(lambda: 'id="ticket">A001<' in view(), 5)
    assert "data-since=" in view()


def test_every_action_goes_on_the_wire_with_its_fields(
    console_app: Callable[[], Browser], peer: Peer, topics: Topics
) -> None:
    peer.subscribe(topics.counter_request("+"))
    browser = console_app()
    browser.login("wang")
    presses = [
        ("next", {}),
        ("recall", {}),
        ("skip", {}),
        ("done", {}),
        ("transfer", {"to_service": "cashier"}),
        ("call", {"ticket": "c012"}),
        ("pause", {"reason": "Lunch"}),
        ("resume", {}),
    ]
    for action, fields in presses:
        assert browser.press("3", action, **fields).status_code == 202, action
    got = peer.wait_for(topics.counter_request("3"), count=len(presses))
    requests = [CounterRequest.parse(m.payload, "3") for m in got]
    assert [r.action for r in requests] == [a for a, _ in presses]
    assert requests[4].to_service == "cashier"
    assert requests[5].ticket == "C012"
    assert requests[6].reason == "Lunch"
    assert len({r.id for r in requests}) == len(presses)


def test_the_live_stream_sends_the_counters_parts(
    console_app: Callable[[], Browser], peer: Peer, topics: Topics
) -> None:
    browser = console_app()
    browser.login("li")
    state = {
        "v": 1,
        "counter": "2",
        "ticket": "A017",
        "waiting": 3,
        "ts": "2026-11-28T10:00:00+08:00",
        "open": True,
        "serving_since": "2026-11-28T09:58:00+08:00",
    }
    peer.publish(topics.counter_state("2"), state, retain=True)
    with browser.client.stream("GET", "/counter/2/live") as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and "A017" in line:
                parts = json.loads(line[5:])
                break
    assert parts["ticket"] == "A017" and parts["open"] is True
    assert 'data-since="2026-11-28T09:58:00' in parts["now"]
