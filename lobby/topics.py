"""Topic names of the contract: built and read in this one place."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lobby.wire import COUNTER_RE, DEVICE_RE

BRANCH = "_all"
SITE_RE = re.compile(r"[a-z0-9_-]{1,32}")


@dataclass(frozen=True)
class TopicMatch:
    """What a topic name is: its kind (``call``, ``counter_request``, …) and its id level."""

    kind: str
    key: str = ""
    """The counter or device the topic names, when it names one."""


@dataclass(frozen=True)
class Topics:
    """Every topic of one site, under ``{root}/{site}``."""

    root: str
    site: str

    @property
    def prefix(self) -> str:
        return f"{self.root}/{self.site}"

    @property
    def call(self) -> str:
        return f"{self.prefix}/call"

    @property
    def board(self) -> str:
        return f"{self.prefix}/board"

    @property
    def notice(self) -> str:
        return f"{self.prefix}/notice"

    @property
    def branch_notice(self) -> str:
        return f"{self.root}/{BRANCH}/notice"

    @property
    def ticket_request(self) -> str:
        return f"{self.prefix}/ticket/request"

    @property
    def ticket_issued(self) -> str:
        return f"{self.prefix}/ticket/issued"

    @property
    def ticket_refused(self) -> str:
        return f"{self.prefix}/ticket/refused"

    @property
    def engine_lease(self) -> str:
        return f"{self.prefix}/engine/lease"

    @property
    def stats_today(self) -> str:
        return f"{self.prefix}/stats/today"

    @property
    def stats_request(self) -> str:
        return f"{self.prefix}/stats/request"

    @property
    def stats_reply(self) -> str:
        return f"{self.prefix}/stats/reply"

    @property
    def record(self) -> str:
        return f"{self.prefix}/record"

    def status(self, device: str) -> str:
        return f"{self.prefix}/status/{device}"

    def ack(self, device: str) -> str:
        return f"{self.prefix}/status/{device}/ack"

    def counter_request(self, counter: str) -> str:
        return f"{self.prefix}/counter/{counter}/request"

    def counter_state(self, counter: str) -> str:
        return f"{self.prefix}/counter/{counter}/state"

    def counter_rating(self, counter: str) -> str:
        return f"{self.prefix}/counter/{counter}/rating"

    def parse(self, topic: str) -> TopicMatch | None:
        """What a topic of this site (or the branch's notice) is; None for anything else."""
        if topic == self.branch_notice:
            return TopicMatch("branch_notice")
        head, sep, rest = topic.partition(f"{self.prefix}/")
        if head or not sep:
            return None
        levels = rest.split("/")
        fixed = {
            ("call",): "call",
            ("board",): "board",
            ("notice",): "notice",
            ("ticket", "request"): "ticket_request",
            ("ticket", "issued"): "ticket_issued",
            ("ticket", "refused"): "ticket_refused",
            ("engine", "lease"): "engine_lease",
            ("stats", "today"): "stats_today",
            ("stats", "request"): "stats_request",
            ("stats", "reply"): "stats_reply",
            ("record",): "record",
        }
        kind = fixed.get(tuple(levels))
        if kind is not None:
            return TopicMatch(kind)
        if (
            len(levels) == 3
            and levels[0] == "counter"
            and levels[2] in ("request", "state", "rating")
        ):
            if COUNTER_RE.fullmatch(levels[1]):
                return TopicMatch(f"counter_{levels[2]}", levels[1])
            return None
        if levels[0] == "status" and len(levels) in (2, 3) and DEVICE_RE.fullmatch(levels[1]):
            if len(levels) == 2:
                return TopicMatch("status", levels[1])
            if levels[2] == "ack":
                return TopicMatch("ack", levels[1])
        return None


def network_subscriptions(root: str) -> tuple[str, str]:
    """What a central collector reads of every site: the records and the devices' statuses."""
    return f"{root}/+/record", f"{root}/+/status/+"


def read_network_topic(root: str, topic: str) -> tuple[str, TopicMatch] | None:
    """The site a topic under ``root`` belongs to and what it is; None for anything else."""
    head, sep, rest = topic.partition(f"{root}/")
    site = rest.split("/", 1)[0]
    if head or not sep or not SITE_RE.fullmatch(site):
        return None
    match = Topics(root, site).parse(topic)
    return None if match is None else (site, match)
