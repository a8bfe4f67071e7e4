"""The screen's loop in-process, one pass at a time: real parts, a real surface, and
recording stand-ins for the broker link, the clock and the voice."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from buttons.press import Press
from config import EXAMPLE, Config, load_config
from lobby.contract import CounterState, parse_board, parse_call, parse_ts
from mqtt_client.session import Rejected
from screen.link_watch import LINK_GRACE_S
from screen.messages import SaveFrame, Stop
from screen.status_clock import STATUS_EVERY_S, STATUS_SOON_S
from tests import payloads
from tests.payloads import dumps
from tests.screen.fakes import Harness


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(EXAMPLE)


@pytest.fixture
def screen(config: Config) -> Iterator[Harness]:
    harness = Harness(config)
    yield harness
    harness.close()


def call(ticket: str, counter: str, call_id: str, **more: str):
    return parse_call(dumps(payloads.call(ticket, counter, call_id, **more)))


def test_a_call_is_drawn_acknowledged_once_and_announced(screen: Harness) -> None:
    screen.link.come_up()
    screen.put(call("A023", "3", "c-1"))
    screen.settle()
    assert "A023" in screen.drawn("hero")
    assert screen.link.acks() == ["c-1"]
    assert [c.id for c in screen.voice.announced] == ["c-1"]
    screen.put(call("A023", "3", "c-1"))  # the same message again: nothing new
    screen.settle()
    assert screen.link.acks() == ["c-1"] and len(screen.voice.announced) == 1


def test_the_ack_carries_the_time_the_frame_went_out(screen: Harness) -> None:
    screen.put(call("A023", "3", "c-1"))
    screen.settle()
    ((call_id, event, moment),) = screen.link.of("ack")
    assert (call_id, event) == ("c-1", "shown") and moment.utcoffset() is not None


def test_a_burst_is_drawn_one_call_per_frame_and_every_call_acknowledged(
    screen: Harness,
) -> None:
    ids = [f"b-{i}" for i in range(30)]
    screen.put(*(call(f"A{i:03d}", str(1 + i % 6), cid) for i, cid in enumerate(ids)))
    for _ in ids:
        screen.daemon.step(wait=0)
    assert sorted(screen.link.acks()) == sorted(ids)
    assert screen.drawn("hero")[1] == "A029"


def test_the_badge_waits_out_a_blip_then_shows_until_the_broker_is_back(
    screen: Harness,
) -> None:
    screen.link.come_up()
    screen.settle()
    screen.link.come_up(False)
    screen.settle()
    assert "正在重新连接…" not in screen.drawn("footer")
    screen.clock.step(LINK_GRACE_S - 0.1)
    screen.daemon.step(wait=0)
    assert "正在重新连接…" not in screen.drawn("footer")
    screen.clock.step(0.2)
    screen.daemon.step(wait=0)
    assert "正在重新连接…" in screen.drawn("footer")
    screen.link.come_up()
    screen.settle()
    assert "正在重新连接…" not in screen.drawn("footer")


def test_the_loop_sleeps_until_the_badge_is_due(screen: Harness) -> None:
    screen.link.come_up()
    screen.settle()
    screen.link.come_up(False)
    screen.settle()
    wake = screen.daemon.router.next_wake(screen.clock.now)
    assert wake == pytest.approx(screen.clock.now + LINK_GRACE_S)


def test_a_refused_payload_is_reported_soon_and_the_heartbeat_follows(screen: Harness) -> None:
    screen.settle()
    screen.put(Rejected("callboard/x/call", "payload is not valid JSON"))
    screen.settle()
    assert screen.link.of("status") == []  # not at once: a flood is one update
    screen.clock.step(STATUS_SOON_S)
    screen.daemon.step(wait=0)
    assert len(screen.link.of("status")) == 1
    screen.clock.step(STATUS_EVERY_S)
    screen.daemon.step(wait=0)
    statuses = screen.link.of("status")
    assert len(statuses) == 2 and statuses[-1][0]["frames"] >= 1


def test_the_status_snapshot_holds_every_parts_figures(screen: Harness) -> None:
    screen.put(parse_board(dumps(payloads.board(seq=7))))
    screen.settle()
    figures = screen.link.figures
    assert figures["board_seq"] == 7
    assert {"frame_ms", "frames", "acks_pending", "buttons", "presses_waiting"} <= set(figures)


def test_a_press_is_sent_while_the_broker_is_there_and_kept_while_it_is_not(
    screen: Harness,
) -> None:
    at = parse_ts("2026-11-25T10:15:30+08:00")
    screen.put(Press("2", "next", screen.clock.wall(), "keyboard"))
    screen.settle()
    assert screen.link.of("request") == []
    screen.link.come_up()
    screen.settle()
    ((_, counter, action, _at),) = screen.link.of("request")
    assert (counter, action) == ("2", "next") and at.tzinfo is not None


def test_the_counter_state_reaches_the_desk(screen: Harness) -> None:
    state = CounterState("2", "A001", 3, parse_ts(payloads.TS))
    screen.put(state)
    screen.settle()  # no LED is wired in the example: handled, nothing to light


def test_what_no_part_handles_is_logged_not_lost_silently(
    screen: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        screen.put(object())
        screen.settle()
    assert "no part of the screen handles" in caplog.text


def test_stop_ends_the_loop_after_the_last_frame(screen: Harness) -> None:
    screen.put(call("A023", "3", "c-last"), Stop("test"))
    assert screen.daemon.step(wait=0) is True  # the call's frame first
    assert screen.daemon.step(wait=0) is False
    assert screen.link.acks() == ["c-last"]


def test_save_frame_writes_the_current_frame(screen: Harness, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    screen.put(call("A023", "3", "c-1"), SaveFrame())
    screen.settle()
    screen.settle()
    assert (tmp_path / "callboard-screen.png").stat().st_size > 1000


def test_a_refused_notice_is_in_the_status_with_its_reason_until_a_good_one_comes(
    screen: Harness, config: Config
) -> None:
    from lobby.contract import Notice, ScopedNotice
    from lobby.topics import Topics

    topics = Topics(config.mqtt.topic_root, config.site)
    screen.put(Rejected(topics.notice, "payload of 17000 bytes is over the 16384-byte cap"))
    screen.settle()
    (fault,) = screen.link.figures["faults"]
    assert (
        fault == "the site's notice was refused: payload of 17000 bytes is over the 16384-byte cap"
    )
    screen.clock.step(STATUS_SOON_S)
    screen.daemon.step(wait=0)
    assert screen.link.of("status")[-1][0]["faults"] == [fault]  # told soon, not in a minute
    screen.put(Rejected(topics.call, "payload is not valid JSON"))  # not a notice: no fault
    screen.put(ScopedNotice("site", Notice(marquee=("欢迎光临",))))
    screen.settle()
    assert screen.link.figures["faults"] == []


def test_a_call_that_arrives_long_after_it_was_made_is_listed_not_flashed_not_announced(
    screen: Harness,
) -> None:
    screen.put(call("A023", "3", "c-now"))
    screen.settle()
    made = screen.clock.wall() - timedelta(hours=3)  # a screen that was away, a bridge that held it
    screen.put(parse_call(dumps(payloads.call("A001", "2", "c-old", ts=made.isoformat()))))
    screen.settle()
    assert screen.drawn("hero")[1] == "A023"  # the current call stays large
    assert "A001" in screen.drawn("recent")  # the late one is listed under it
    assert [c.id for c in screen.voice.announced] == ["c-now"]  # and not said
    assert set(screen.link.acks()) == {"c-now", "c-old"}  # both are on the screen
    assert screen.link.figures["stale_calls"] == 1
