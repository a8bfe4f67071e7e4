"""Which notice the board shows, and which information page is up.

The branch publishes one notice for every lobby (``{root}/_all/notice``); a site may
publish its own (``{p}/notice``), which takes precedence while it has anything in it.
An empty notice clears its source. Time is passed in as monotonic seconds.
"""

from __future__ import annotations

import math

from lobby.contract import Notice, NoticePage, ScopedNotice

SCOPES = ("site", "branch")  # first wins


class NoticeBoard:
    """The notices received, and the one in force."""

    def __init__(self) -> None:
        self._by_scope: dict[str, Notice] = {}

    def apply(self, scoped: ScopedNotice) -> bool:
        """Take a notice from its source; True when what the board shows changed."""
        before = self.current
        if scoped.notice.is_empty:
            self._by_scope.pop(scoped.scope, None)
        else:
            self._by_scope[scoped.scope] = scoped.notice
        return self.current != before

    @property
    def current(self) -> Notice:
        """The site's notice while it has content, else the branch's, else an empty one."""
        for scope in SCOPES:
            notice = self._by_scope.get(scope)
            if notice is not None and not notice.is_empty:
                return notice
        return Notice()

    @property
    def marquee(self) -> tuple[str, ...]:
        return self.current.marquee

    @property
    def pages(self) -> tuple[NoticePage, ...]:
        return self.current.pages


def page_at(pages: tuple[NoticePage, ...], now: float, seconds: float) -> tuple[int, float]:
    """The index of the page up at ``now`` and when the next one comes (``inf``: never)."""
    if not pages:
        return -1, math.inf
    slot = math.floor(now / seconds)
    if len(pages) == 1:
        return 0, math.inf
    return slot % len(pages), (slot + 1) * seconds
