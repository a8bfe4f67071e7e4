"""How a call is read out: the words, before any sound."""

from __future__ import annotations

import pytest

from lobby.speech import all_tokens, repeats_for, spoken_part, ticket_tokens

ZH = "请{ticket}号客户到{counter}办理业务"
EN = "Customer {ticket}, please go to {counter}."


@pytest.mark.parametrize(
    ("ticket", "language", "reading", "expected"),
    [
        ("A023", "zh", "digits", ["A", "零", "二", "三"]),
        ("A023", "en", "digits", ["A", "zero", "two", "three"]),
        ("V2", "zh", "digits", ["V", "二"]),
        ("1001", "en", "digits", ["one", "zero", "zero", "one"]),
        ("A023", "zh", "whole", ["A", "二", "十", "三"]),
        ("A105", "zh", "whole", ["A", "一", "百", "零", "五"]),
        ("A015", "zh", "whole", ["A", "十", "五"]),
        ("A110", "zh", "whole", ["A", "一", "百", "一", "十"]),
        ("B2000", "zh", "whole", ["B", "两", "千"]),
        ("A023", "en", "whole", ["A", "twenty", "three"]),
        ("A105", "en", "whole", ["A", "one", "hundred", "five"]),
        ("A013", "en", "whole", ["A", "thirteen"]),
        (
            "AB9999",
            "en",
            "whole",
            ["A", "B", "nine", "thousand", "nine", "hundred", "ninety", "nine"],
        ),
        ("A000", "en", "whole", ["A", "zero"]),
    ],
)
def test_tickets_are_read_letter_by_letter_then_by_digit_or_whole(
    ticket: str, language: str, reading: str, expected: list[str]
) -> None:
    assert ticket_tokens(ticket, language, reading) == expected


def test_the_lobby_wording_in_each_language() -> None:
    zh = spoken_part("zh", ZH, "A023", "3号窗口")
    en = spoken_part("en", EN, "A023", "Counter 3")
    assert "".join(zh.tokens) == "请A零二三号客户到3号窗口办理业务"
    assert zh.tokens == ("请", "A", "零", "二", "三", "号客户到", "3号窗口", "办理业务")
    assert en.tokens == ("Customer", "A", "zero", "two", "three", "please go to", "Counter 3")


def test_every_token_a_lobby_needs_is_known_before_the_first_call() -> None:
    tokens = all_tokens("zh", ZH, ["A", "C", "V", "AB"], ["1号窗口", "3号窗口"])
    for ticket in ("A023", "C999", "V000", "AB12"):
        part = spoken_part("zh", ZH, ticket, "3号窗口")
        assert set(part.tokens) <= tokens, ticket
    whole = all_tokens("en", EN, ["A"], ["Counter 3"], "whole")
    assert set(spoken_part("en", EN, "A9817", "Counter 3", "whole").tokens) <= whole


def test_a_backlog_shortens_announcements_but_never_drops_one() -> None:
    assert repeats_for(backlog=0, repeat=2) == 2
    assert repeats_for(backlog=1, repeat=2) == 1
    assert repeats_for(backlog=9, repeat=3) == 1
