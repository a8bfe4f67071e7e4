"""Refusals: no session, the wrong role, another counter, an unknown one, a missing or
forged CSRF token, bad fields. Each is a clear 4xx with a sentence, and nothing reaches
the broker (a peer subscribed to every topic of the site sees nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from callboard.demo.broker import free_port
from config import load_config
from config.settings import Config
from console.accounts import read_accounts, write_accounts
from console.app import make_app
from lobby.topics import Topics
from tests.conftest import Peer
from tests.console.conftest import SECRET, Browser, add_staff, settle, write_console_config


@pytest.fixture
def watcher(peer: Peer, topics: Topics) -> Iterator[Peer]:
    """Everything published under the site, and the branch's notice."""
    peer.subscribe(f"{topics.prefix}/counter/#")
    peer.subscribe(topics.notice)
    peer.subscribe(topics.branch_notice)
    peer.subscribe(topics.stats_request)
    yield peer


def published(peer: Peer) -> list[str]:
    settle(0.5)
    return [m.topic for m in peer.messages if not m.retain]


def test_no_session_is_sent_to_the_login_and_nothing_is_published(
    console_app: Callable[[], Browser], watcher: Peer
) -> None:
    browser = console_app()
    page = browser.client.get("/counter/2", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/counter/2"
    csrf = browser.client.get("/login").text.split('csrf-token" content="')[1].split('"')[0]
    for path in ("/counter/2/next", "/manager/notices/site/publish"):
        answer = browser.client.post(
            path, data={"csrf": csrf}, headers={"X-Requested-With": "console"}
        )
        assert answer.status_code == 401 and answer.json() == {
            "error": "Please log in to continue."
        }
    assert browser.client.get("/manager/today", follow_redirects=False).status_code == 303
    assert published(watcher) == []


def test_a_teller_cannot_act_for_another_counter(
    console_app: Callable[[], Browser], watcher: Peer
) -> None:
    browser = console_app()
    browser.login("li")  # counter 2 only
    answer = browser.press("3", "next")
    assert answer.status_code == 403
    assert answer.json()["error"].startswith("Your account serves other counters than counter 3.")
    assert browser.client.get("/counter/3").status_code == 403
    assert browser.client.get("/counter/3/live").status_code == 403
    assert published(watcher) == []


def test_an_unknown_counter_or_action_is_a_404(
    console_app: Callable[[], Browser], watcher: Peer
) -> None:
    browser = console_app()
    browser.login("li")
    assert browser.press("99", "next").json() == {"error": "This lobby has no counter '99'."}
    assert browser.press("99", "next").status_code == 404
    assert browser.press("2", "explode").status_code == 404
    assert "no such action" in browser.press("2", "explode").json()["error"]
    assert published(watcher) == []


def test_a_missing_or_forged_csrf_token_is_refused(
    console_app: Callable[[], Browser], watcher: Peer
) -> None:
    browser = console_app()
    browser.login("li")
    missing = browser.client.post("/counter/2/next", headers={"X-Requested-With": "console"})
    forged = browser.client.post(
        "/counter/2/next",
        data={"csrf": "x" * 32},
        headers={"X-Requested-With": "console"},
    )
    other = console_app()  # another person's valid token is not this session's
    other.login("wang")
    borrowed = browser.client.post(
        "/counter/2/next", data={"csrf": other.csrf}, headers={"X-Requested-With": "console"}
    )
    for answer in (missing, forged, borrowed):
        assert answer.status_code == 403
        assert answer.json()["error"] == (
            "This form has expired. Please reload the page and try again."
        )
    login_without_token = console_app().client.post(
        "/login", data={"name": "li", "password": "x"}, follow_redirects=False
    )
    assert login_without_token.status_code == 403
    assert published(watcher) == []


def test_a_teller_is_not_a_manager(console_app: Callable[[], Browser], watcher: Peer) -> None:
    browser = console_app()
    browser.login("li")
    for page in ("/manager/notices", "/manager/devices", "/manager/today", "/manager/today.csv"):
        answer = browser.client.get(page)
        assert answer.status_code == 403, page
        assert "This page is for the branch manager" in answer.text
    publish = browser.client.post(
        "/manager/notices/site/publish",
        data={"csrf": browser.csrf, "marquee": "forged"},
        headers={"X-Requested-With": "console"},
    )
    assert publish.status_code == 403
    assert (
        browser.client.get("/manager/figures.csv?from=2026-11-01&to=2026-11-02").status_code == 403
    )
    assert published(watcher) == []


def test_a_manager_without_counters_does_not_serve_one(
    console_app: Callable[[], Browser], watcher: Peer
) -> None:
    browser = console_app()
    browser.login("zhao")
    assert browser.press("2", "next").status_code == 403
    assert published(watcher) == []


@pytest.mark.parametrize(
    ("action", "fields", "sentence"),
    [
        ("transfer", {"to_service": "nowhere"}, "Please choose the service to transfer"),
        ("transfer", {}, "Please choose the service to transfer"),
        ("call", {"ticket": "A1234567"}, "Please type a ticket number such as A023."),
        ("call", {"ticket": "V001"}, "Ticket V001 is for a service this counter does not serve."),
        ("pause", {"reason": "x" * 41}, "Please give the reason in at most 40 characters."),
        ("pause", {"reason": "a\x00b"}, "Please give the reason in at most 40 characters."),
    ],
)
def test_bad_fields_are_a_422_sentence(
    console_app: Callable[[], Browser], watcher: Peer, action: str, fields: dict, sentence: str
) -> None:
    browser = console_app()
    browser.login("li")
    answer = browser.press("2", action, **fields)
    assert answer.status_code == 422 and answer.json()["error"].startswith(sentence)
    assert published(watcher) == []


def test_a_removed_account_or_a_moved_teller_counts_at_once(
    console_app: Callable[[], Browser], console_config: Config, watcher: Peer
) -> None:
    browser = console_app()
    browser.login("wang")
    staff = read_accounts(console_config.console.users)
    staff["wang"] = staff["wang"].__class__("wang", "teller", ("4",), staff["wang"].password_hash)
    write_accounts(console_config.console.users, staff)
    assert browser.press("3", "next").status_code == 403
    del staff["wang"]
    write_accounts(console_config.console.users, staff)
    assert browser.press("4", "next").status_code == 401
    assert published(watcher) == []


def test_a_forged_cookie_is_no_session(console_app: Callable[[], Browser], watcher: Peer) -> None:
    browser = console_app()
    browser.client.cookies.set("callboard_console", "eyJ1c2VyIjogImxpIn0=.forged.signature")
    assert browser.client.get("/counter/2", follow_redirects=False).status_code == 303
    assert published(watcher) == []


def test_pages_forbid_frames_and_foreign_scripts(console_app: Callable[[], Browser]) -> None:
    answer = console_app().client.get("/login")
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_the_login_slows_a_guesser(console_app: Callable[[], Browser]) -> None:
    browser = console_app()
    for _ in range(5):
        assert browser.login("li", "guess-guess").status_code == 401
    assert browser.login("li").status_code == 429


def test_with_the_broker_away_an_action_is_a_503_sentence(tmp_path, site: str) -> None:
    config = load_config(write_console_config(tmp_path, site, free_port()))  # nobody there
    add_staff(config, "li", "teller", ("2",))
    with TestClient(make_app(config, SECRET, "test"), base_url="http://127.0.0.1") as client:
        browser = Browser(client)
        browser.login("li")
        answer = browser.press("2", "next")
        assert answer.status_code == 503
        assert answer.json()["error"] == (
            "The console cannot reach the lobby just now. Please try again soon."
        )
        assert "The console is reconnecting to the lobby" in client.get("/counter/2").text
