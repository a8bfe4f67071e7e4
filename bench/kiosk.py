"""The ticket machine's pace: a press to the ticket on its screen, and a press to the last
byte of the printed ticket at a network printer, against a real mosquitto and the real
queue engine on this machine.

The kiosk runs in this process (SDL's dummy video driver: the frame is drawn, not shown);
the engine on a thread of its own; the printer is a TCP server on loopback that reads what
python-escpos sends and answers its status queries as a printer does.

    .venv/bin/python bench/kiosk.py [--presses 50] [--paper 80mm]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from bench.common import lobby_config, percentile
from callboard.demo.broker import PrivateBroker
from config import load_config
from engine.service import QueueEngine
from kiosk.flow import Choice, Showing, Welcome
from kiosk.service import Kiosk
from tests.kiosk.fake_printer import CUT, FakeNetworkPrinter


def wait_for_cut(fake: FakeNetworkPrinter, after: int, timeout: float = 10.0) -> float:
    """When the ticket's cut reached the printer (polled every millisecond)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if CUT in fake.received[after:]:
            return time.perf_counter()
        time.sleep(0.001)
    raise SystemExit("the printer got no cut within 10 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--paper", choices=["80mm", "58mm"], default="80mm")
    parser.add_argument("--no-print", action="store_true", help="the screen only")
    args = parser.parse_args()
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        fake = None if args.no_print else FakeNetworkPrinter()
        changes = {
            "embedded = false": f'embedded = false\ndb = "{work}/q.sqlite3"',
            "show_seconds = 8": "show_seconds = 2",
            'paper = "80mm"': f'paper = "{args.paper}"',
        }
        if fake is not None:
            changes['printer = ""'] = f'printer = "tcp://127.0.0.1:{fake.port}"'
        config = load_config(lobby_config(Path(work), broker.port, changes=changes))
        engine = QueueEngine(config)
        threading.Thread(target=engine.run, daemon=True).start()
        engine.ready.wait(30)
        from callboard.kiosk_run import ticket_output

        kiosk = Kiosk(config, printer=ticket_output(config))
        kiosk.open()
        while not kiosk.link.connected:
            kiosk.step(wait=0.05)
        on_screen: list[float] = []
        printed: list[float] = []
        for i in range(args.presses):
            before = len(fake.received) if fake else 0
            pressed = time.perf_counter()
            kiosk.choose(Choice("general", "zh", "key"), kiosk.clock.monotonic())
            while not isinstance(kiosk.flow.state, Showing):
                kiosk.step(wait=0.001)
            on_screen.append((kiosk.presented_at - pressed) * 1000)
            if fake is not None:
                printed.append((wait_for_cut(fake, before) - pressed) * 1000)
            kiosk.flow.state = Welcome()
            kiosk.step(wait=0)
            if i == 0:
                on_screen.clear()  # the first ticket also warms the fonts at the ticket's sizes
                printed.clear()
        kiosk.close()
        engine.stop()
        if fake is not None:
            fake.close()
    n = len(on_screen)
    print(f"ticket machine, {n} presses, real mosquitto and engine, {args.paper} paper:")
    print(
        f"  press -> ticket on screen   ms: p50 {percentile(on_screen, 0.5):6.1f}"
        f"  p99 {percentile(on_screen, 0.99):6.1f}"
    )
    if printed:
        print(
            f"  press -> last printed byte  ms: p50 {percentile(printed, 0.5):6.1f}"
            f"  p99 {percentile(printed, 0.99):6.1f}  (a network printer on loopback)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
