"""Which notice is in force: the site's over the branch's; an empty one clears."""

from __future__ import annotations

import math

from lobby.contract import Notice, NoticePage, ScopedNotice
from lobby.notices import NoticeBoard, page_at

BRANCH = Notice(marquee=("分公司通知",))
SITE = Notice(marquee=("本网点通知",))
EMPTY = Notice()


def test_the_branch_notice_shows_until_the_site_has_its_own() -> None:
    board = NoticeBoard()
    assert board.current.is_empty
    assert board.apply(ScopedNotice("branch", BRANCH))
    assert board.marquee == ("分公司通知",)
    assert board.apply(ScopedNotice("site", SITE))
    assert board.marquee == ("本网点通知",)
    assert not board.apply(ScopedNotice("branch", Notice(marquee=("分公司新通知",))))
    assert board.marquee == ("本网点通知",)  # the site's still wins


def test_clearing_the_site_notice_brings_back_the_branch_one() -> None:
    board = NoticeBoard()
    board.apply(ScopedNotice("branch", BRANCH))
    board.apply(ScopedNotice("site", SITE))
    assert board.apply(ScopedNotice("site", EMPTY))
    assert board.marquee == ("分公司通知",)
    assert board.apply(ScopedNotice("branch", EMPTY))
    assert board.current.is_empty


def test_clearing_a_source_that_has_nothing_changes_nothing() -> None:
    board = NoticeBoard()
    assert not board.apply(ScopedNotice("site", EMPTY))
    board.apply(ScopedNotice("branch", BRANCH))
    assert not board.apply(ScopedNotice("site", EMPTY))
    assert board.marquee == ("分公司通知",) and board.pages == ()


def test_pages_rotate_on_the_clock() -> None:
    pages = (NoticePage("a", ()), NoticePage("b", ()), NoticePage("c", ()))
    assert page_at(pages, 0.0, 10.0) == (0, 10.0)
    assert page_at(pages, 10.0, 10.0) == (1, 20.0)
    assert page_at(pages, 35.0, 10.0) == (0, 40.0)
    assert page_at(pages[:1], 35.0, 10.0) == (0, math.inf)
    assert page_at((), 35.0, 10.0) == (-1, math.inf)
