"""``callboard run``'s wiring: the embedded engine as the screen's watchdog sees it."""

from __future__ import annotations

import threading

from callboard.run import EngineWatch


class FakeEngine:
    """Stands in for QueueEngine: runs until stopped, or fails as told."""

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        self.finished = threading.Event()
        self._stop = threading.Event()

    def run(self) -> int:
        try:
            if self.outcome == "crash":
                raise RuntimeError("a bug in the engine")
            if self.outcome == "refused":
                return 3
            self._stop.wait(10)
            return 0
        finally:
            self.finished.set()

    def stop(self) -> None:
        self._stop.set()


def watch(outcome: str) -> EngineWatch:
    watching = EngineWatch(FakeEngine(outcome))  # type: ignore[arg-type]
    watching.start()
    return watching


def test_a_crashed_embedded_engine_stops_the_watchdogs_pats() -> None:
    watching = watch("crash")
    watching.thread.join(5)
    assert watching.trouble() == "the embedded queue engine has died"
    assert watching.status() == {"engine": "crashed"}


def test_an_engine_that_stands_aside_is_a_status_not_a_restart() -> None:
    watching = watch("refused")
    watching.thread.join(5)
    assert watching.trouble() == ""
    assert "another queue engine serves this site" in watching.status()["engine"]


def test_a_running_engine_is_no_trouble_and_stops_when_told() -> None:
    watching = watch("serve")
    assert watching.trouble() == "" and watching.status() == {"engine": "embedded"}
    watching.stop()
    assert not watching.thread.is_alive() and watching.trouble() == ""
