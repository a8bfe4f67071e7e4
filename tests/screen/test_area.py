"""A board for part of the hall, in-process: the real loop and regions on a real surface,
with the recording link and voice (tests/screen/fakes.py)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest

from config import Config
from config.loader import parse_config
from display.render import render_board
from lobby.contract import parse_board, parse_call
from tests import payloads
from tests.conftest import config_text
from tests.payloads import TS, dumps
from tests.screen.fakes import Harness

CASHIER_AREA = 'counters = ["5", "6"]\narea = { zh = "出纳区", en = "Cashier area" }'


def area_config(lines: str) -> Config:
    return parse_config(tomllib.loads(config_text("hz-main", 1883, extra_display=lines)))


@pytest.fixture
def cashier() -> Iterator[Harness]:
    harness = Harness(area_config(CASHIER_AREA))
    yield harness
    harness.close()


def call(ticket: str, counter: str, service: str, call_id: str):
    return parse_call(dumps(payloads.call(ticket, counter, call_id, service=service)))


def listed(counter: str, service: str, ticket: str) -> dict[str, str]:
    return {"id": f"s-{ticket}", "ticket": ticket, "counter": counter, "service": service, "ts": TS}


def on_board(screen: Harness) -> list[str]:
    tickets = {"A023", "A024", "P005", "T003", "P004", "A010", "T002", "V003", "V004"}
    drawn = screen.drawn("hero") + screen.drawn("recent")
    return [text for text in drawn if text in tickets]


def test_it_shows_says_and_acknowledges_its_own_calls_only(cashier: Harness) -> None:
    cashier.link.come_up()
    cashier.put(
        call("A023", "3", "general", "c-1"),
        call("P005", "6", "cashier", "c-2"),
        call("A024", "2", "general", "c-3"),
        call("T003", "5", "complaint", "c-4"),
    )
    cashier.settle()
    assert on_board(cashier) == ["T003", "P005"]
    assert "请到 5号申诉窗口" in cashier.drawn("hero")
    assert sorted(cashier.link.acks()) == ["c-2", "c-4"]
    assert [c.id for c in cashier.voice.announced] == ["c-2", "c-4"]
    assert cashier.link.figures["calls_elsewhere"] == 2
    assert cashier.link.figures["acks_pending"] == 0  # nothing waits for a frame forever


def test_the_snapshot_at_start_and_the_waiting_counts_are_the_areas(cashier: Harness) -> None:
    snapshot = payloads.board(
        seq=9,
        calls=[
            listed("6", "cashier", "P004"),
            listed("2", "general", "A010"),
            listed("5", "complaint", "T002"),
            listed("1", "vip", "V003"),
        ],
        waiting={"general": 17, "consult": 12, "vip": 11, "complaint": 3, "cashier": 4},
    )
    cashier.put(parse_board(dumps(snapshot)))
    cashier.settle()
    assert on_board(cashier) == ["P004", "T002"]
    footer = cashier.drawn("footer")
    assert {"申诉", "Complaints", "出纳", "Cashier", "3", "4"} <= set(footer), footer
    assert not {"综合业务", "咨询", "绿色通道", "17", "12", "11"} & set(footer), footer
    assert cashier.link.acks() == []  # learned from the snapshot, not delivered as calls


def test_the_header_names_the_part_of_the_hall(cashier: Harness) -> None:
    cashier.settle()
    header = cashier.drawn("header")
    assert "客户服务中心 · 出纳区" in header and "Customer Service Centre · Cashier area" in header


def test_a_listed_service_is_shown_at_any_counter_a_listed_counter_with_any_service() -> None:
    screen = Harness(area_config('services = ["vip"]\ncounters = ["6"]'))
    try:
        screen.put(
            call("V003", "1", "vip", "c-1"),
            call("A023", "1", "general", "c-2"),  # the green channel serving a general ticket
            call("V004", "3", "vip", "c-3"),
            call("P005", "6", "cashier", "c-4"),
            call("A024", "2", "general", "c-5"),
        )
        screen.settle()
        assert on_board(screen) == ["P005", "V004", "V003"]
        assert [c.id for c in screen.voice.announced] == ["c-1", "c-3", "c-4"]
        screen.put(parse_board(dumps(payloads.board(seq=1, calls=[], waiting={"vip": 2}))))
        screen.settle()
        footer = screen.drawn("footer")
        assert {"绿色通道", "出纳"} <= set(footer) and "综合业务" not in footer, footer
        assert screen.drawn("header")[0] == "客户服务中心"  # no area named: the branch alone
    finally:
        screen.close()


def test_callboard_render_draws_the_areas_board(tmp_path) -> None:
    """What the docs' screenshot and the console's preview draw for such a config."""
    snapshot = payloads.board(
        calls=[listed("6", "cashier", "P004"), listed("2", "general", "A010")],
        waiting={"general": 17, "cashier": 4},
    )
    painter = render_board(
        area_config(CASHIER_AREA), parse_board(dumps(snapshot)), tmp_path / "b.png", (1280, 720)
    )
    drawn = [text for region in ("hero", "recent") for text, _ in painter.drawn.get(region, [])]
    assert "P004" in drawn and "A010" not in drawn
    assert (tmp_path / "b.png").stat().st_size > 0
