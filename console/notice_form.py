"""A notice as the manager's form gives it: checked against the contract's limits, each
problem a sentence that says what to change (not a payload error)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from console.guard import Refusal
from lobby.contract import (
    MAX_MARQUEE_CHARS,
    MAX_MARQUEE_ITEMS,
    MAX_PAGE_LINE_CHARS,
    MAX_PAGE_LINES,
    MAX_PAGE_TITLE_CHARS,
    MAX_PAGES,
    Notice,
    NoticePage,
)
from lobby.errors import ContractError

SCOPES = ("site", "branch")


def _lines(text: object) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def _check(lines: list[str], most: int, chars: int, what: str) -> None:
    if len(lines) > most:
        raise Refusal(422, f"{what} takes at most {most} lines; please remove {len(lines) - most}.")
    for i, line in enumerate(lines, 1):
        if len(line) > chars:
            raise Refusal(
                422, f"{what}, line {i}, has {len(line)} characters; the board shows {chars}."
            )
        if not line.isprintable():
            raise Refusal(422, f"{what}, line {i}, has a character the board cannot show.")


def _page(form: Mapping[str, object], i: int) -> NoticePage | None:
    title = str(form.get(f"title{i}", "") or "").strip()
    lines = _lines(form.get(f"lines{i}"))
    if not title and not lines:
        return None
    what = f"Page {i + 1}"
    _check([title] if title else [], 1, MAX_PAGE_TITLE_CHARS, f"{what}'s title")
    _check(lines, MAX_PAGE_LINES, MAX_PAGE_LINE_CHARS, what)
    return NoticePage(title, tuple(lines))


def notice_from_form(form: Mapping[str, object], now: datetime) -> Notice:
    """The notice the form describes; a Refusal (422) names what is over a limit."""
    marquee = _lines(form.get("marquee"))
    _check(marquee, MAX_MARQUEE_ITEMS, MAX_MARQUEE_CHARS, "The marquee")
    pages = tuple(p for i in range(MAX_PAGES) if (p := _page(form, i)) is not None)
    notice = Notice(tuple(marquee), pages, now if marquee or pages else None)
    try:
        return Notice.parse(notice.payload())  # the contract's own checks, as a display's
    except ContractError as exc:
        raise Refusal(422, f"The board could not show this notice ({exc.reason}).") from None


def scope_of(text: str) -> str:
    if text not in SCOPES:
        raise Refusal(404, "Notices are for this site or for the whole branch.")
    return text
