"""Topic names of the contract, built in one place."""

from __future__ import annotations

from dataclasses import dataclass


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
        return f"{self.root}/_all/notice"

    @property
    def ticket_request(self) -> str:
        return f"{self.prefix}/ticket/request"

    @property
    def ticket_issued(self) -> str:
        return f"{self.prefix}/ticket/issued"

    def status(self, device: str) -> str:
        return f"{self.prefix}/status/{device}"

    def ack(self, device: str) -> str:
        return f"{self.prefix}/status/{device}/ack"

    def counter_request(self, counter: str) -> str:
        return f"{self.prefix}/counter/{counter}/request"

    def counter_state(self, counter: str) -> str:
        return f"{self.prefix}/counter/{counter}/state"
