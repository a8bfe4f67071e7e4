"""A board for part of the hall: which calls and which waiting counts it shows.

A second hall, the VIP room or the cashier area has its own board for its own counters. It
lists counters, services, or both; a call belongs to it when its counter is listed *or*
its service is (the VIP room that lists ``vip`` shows a VIP customer called to any
counter, and counter 9 beside it shows every ticket called there). Its waiting counts are
those of the listed services and of the services the listed counters serve: what a
customer sitting in that area is waiting for. Listing nothing is the whole hall.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from lobby.contract import BoardSnapshot


@dataclass(frozen=True)
class HallArea:
    """The counters and services a board shows; both empty: the whole hall."""

    counters: frozenset[str] = frozenset()
    """Calls to these counters are shown (whatever their service)."""
    services: frozenset[str] = frozenset()
    """Calls of these services are shown (whatever their counter)."""
    waiting: frozenset[str] = frozenset()
    """The services whose waiting counts are shown (empty with a whole hall: all)."""

    @classmethod
    def of(
        cls,
        counters: Iterable[str],
        services: Iterable[str],
        served: Mapping[str, Iterable[str]],
    ) -> HallArea:
        """The area of the listed ``counters`` and ``services``; ``served`` gives the
        services each counter serves (the config's), for the waiting counts."""
        counters = frozenset(counters)
        services = frozenset(services)
        waiting = set(services)
        for counter in counters:
            waiting.update(served.get(counter, ()))
        return cls(counters, services, frozenset(waiting))

    @property
    def whole_hall(self) -> bool:
        return not self.counters and not self.services

    def shows(self, counter: str, service: str) -> bool:
        """Whether a call of ``service`` to ``counter`` is this board's."""
        return self.whole_hall or counter in self.counters or service in self.services

    def counts(self, service: str) -> bool:
        """Whether the people waiting for ``service`` are this board's to show."""
        return self.whole_hall or service in self.waiting

    def snapshot(self, snapshot: BoardSnapshot) -> BoardSnapshot:
        """The engine's board as this area sees it: its calls and its waiting counts only
        (``seq`` and ``epoch`` kept, so the board takes and ignores snapshots as before)."""
        if self.whole_hall:
            return snapshot
        return replace(
            snapshot,
            calls=tuple(c for c in snapshot.calls if self.shows(c.counter, c.service)),
            waiting={s: n for s, n in snapshot.waiting.items() if self.counts(s)},
        )


WHOLE_HALL = HallArea()
