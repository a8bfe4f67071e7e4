"""Two boards for two parts of one hall on one broker, as real ``callboard run`` processes:
each shows (its frame, read by tesseract) and says (its ``spoken`` acks) exactly its own
calls, from the engine's retained board at start and from the live calls after."""

from __future__ import annotations

import json
import signal
import time
from datetime import datetime
from pathlib import Path

import pygame
import pytest

from config import load_config
from display.board_view import BoardPainter, Frame
from display.fonts import find_fonts
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import parse_board, parse_call
from mqtt_client import Topics
from tests import payloads
from tests.conftest import DaemonProcess, Peer, readings, wait_until
from tests.payloads import TS, dumps

SIZE = (1280, 720)  # the dummy driver's window
HALL = 'counters = ["1", "2", "3", "4"]\narea = { zh = "一楼大厅", en = "Main hall" }'
CASHIER = 'counters = ["5", "6"]\narea = { zh = "二楼", en = "Floor 2" }'


def listed(counter: str, service: str, ticket: str) -> dict[str, str]:
    return {"id": f"s-{ticket}", "ticket": ticket, "counter": counter, "service": service, "ts": TS}


SNAPSHOT = payloads.board(
    seq=40,
    calls=[
        listed("6", "cashier", "P004"),
        listed("2", "general", "A010"),
        listed("5", "complaint", "T002"),
        listed("1", "vip", "V003"),
    ],
    waiting={"general": 7, "consult": 2, "vip": 1, "complaint": 3, "cashier": 4},
)
CALLS = [  # (ticket, counter, service, id), in the order the engine makes them
    ("A023", "3", "general", "c-hall-1"),
    ("P005", "6", "cashier", "c-cash-1"),
    ("A024", "2", "general", "c-hall-2"),
    ("T003", "5", "complaint", "c-cash-2"),
]


def quick_voice(text: str) -> str:
    """English alone, said once: the same voice, in a third of the time."""
    text = text.replace('languages = ["zh", "en"]    # spoken', 'languages = ["en"]    # spoken')
    return text.replace("repeat = 2", "repeat = 1")


def expected(config_path: Path) -> BoardPainter:
    """Where that board puts its calls: the same code, with the same config, off-screen."""
    config = load_config(config_path)
    state = BoardState(area=config.hall_area())
    state.apply_snapshot(parse_board(dumps(SNAPSHOT)))
    for ticket, counter, service, call_id in CALLS:
        state.apply_call(
            parse_call(dumps(payloads.call(ticket, counter, call_id, service=service))), 0.0
        )
    painter = BoardPainter(config, TextCache(find_fonts()), SIZE)
    painter.paint(pygame.Surface(SIZE), Frame(state, 100.0, datetime.now().astimezone()))
    return painter


def tickets_read(daemon: DaemonProcess, folder: Path, painter: BoardPainter) -> dict[str, str]:
    """Each ticket the board should show, and what tesseract reads where it should be."""
    path = folder / "callboard-screen.png"
    daemon.signal(signal.SIGUSR1)
    assert wait_until(path.exists, 10), daemon.log()
    image = pygame.image.load(str(path))
    tickets = {call[0] for call in CALLS} | {c["ticket"] for c in SNAPSHOT["calls"]}
    places = [(t, r) for region in ("hero", "recent") for t, r in painter.drawn[region]]
    read = {}
    for ticket, rect in places:
        if ticket in tickets:  # as a person across the hall reads it
            found = readings(image, rect, ticket)
            read[ticket] = ticket if ticket in found else " / ".join(found)
    return read


@pytest.mark.slow
def test_two_boards_each_show_and_say_exactly_their_own_calls(
    start_daemon, peer: Peer, site: str, tmp_path: Path
) -> None:
    topics = Topics("callboard", site)
    peer.publish(topics.board, SNAPSHOT, retain=True)  # the engine's board before they start
    boards = {"board-hall": HALL, "board-cash": CASHIER}
    daemons = {}
    for device, lines in boards.items():
        peer.subscribe(topics.status(device))
        peer.subscribe(topics.ack(device))
        sound = tmp_path / f"{device}.raw"
        env = {"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(sound)}
        daemons[device] = start_daemon(device, lines, env=env, edit=quick_voice)
    for device in boards:
        peer.wait_for(topics.status(device), lambda m: m.json()["state"] == "online", 30)
    time.sleep(2.0)  # the clips are warmed in the background; a call may come any time
    for ticket, counter, service, call_id in CALLS:
        peer.publish(topics.call, payloads.call(ticket, counter, call_id, service=service))

    own = {"board-hall": {"c-hall-1", "c-hall-2"}, "board-cash": {"c-cash-1", "c-cash-2"}}
    for device in own:
        peer.wait_for(topics.ack(device), count=4, timeout=40)
    time.sleep(1.0)  # time for a wrong ack to arrive
    for device, ids in own.items():
        acks = [json.loads(m.payload) for m in peer.on(topics.ack(device))]
        events = sorted((a["call_id"], a["event"]) for a in acks)
        assert events == sorted((i, e) for i in ids for e in ("shown", "spoken")), device

    shown = {}
    for device, daemon in daemons.items():
        folder = tmp_path / device
        shown[device] = tickets_read(daemon, folder, expected(folder / "callboard.toml"))
    assert shown["board-hall"] == {t: t for t in ("A024", "A023", "A010", "V003")}, shown
    assert shown["board-cash"] == {t: t for t in ("T003", "P005", "P004", "T002")}, shown
    for daemon in daemons.values():
        assert daemon.alive and "Traceback" not in daemon.log()
