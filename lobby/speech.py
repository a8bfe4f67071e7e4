"""What an announcement says, as words the speaker can play from a cache of clips.

An announcement is a chime and then, in each language, the template with the ticket and the
counter filled in; all of it said ``repeat`` times. The words are cut into *tokens* (the
template's fixed phrases, the ticket's letters and digits, the counter's spoken name), each
synthesised once and kept, so a call is spoken without waiting for speech synthesis.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

DIGITS = {
    "zh": ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
EN_TEENS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
DEFAULT_TEMPLATES = {
    "zh": "请{ticket}号客户到{counter}办理业务",
    "en": "Customer {ticket}, please go to {counter}.",
}
READINGS = ("digits", "whole")
_TICKET_RE = re.compile(r"([A-Z]{0,2})([0-9]{1,4})")


@dataclass(frozen=True)
class Spoken:
    """One language's part of an announcement: the tokens to play, in order."""

    language: str
    tokens: tuple[str, ...]


def template_fields(template: str) -> set[str]:
    """The ``{fields}`` a template uses (the config loader allows ticket and counter only)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _zh_whole(number: int) -> list[str]:
    """Mandarin reading of 0-9999: 二十三, 一百零五, 两千 (as callers say it)."""
    if number == 0:
        return ["零"]
    digits = DIGITS["zh"]
    out: list[str] = []
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    zero_gap = False
    for value, unit in units:
        digit = number // value % 10
        if digit == 0:
            zero_gap = bool(out)
            continue
        if zero_gap:
            out.append("零")
            zero_gap = False
        if value == 10 and digit == 1 and not out:
            out.append("十")  # 十五, not 一十五
            continue
        word = "两" if digit == 2 and value >= 1000 else digits[digit]
        out.extend([word, unit] if unit else [word])
    return out


def _en_whole(number: int) -> list[str]:
    """English reading of 0-9999: twenty three, one hundred five."""
    if number == 0:
        return ["zero"]
    out: list[str] = []
    if number >= 1000:
        out += [DIGITS["en"][number // 1000], "thousand"]
    if number % 1000 >= 100:
        out += [DIGITS["en"][number // 100 % 10], "hundred"]
    rest = number % 100
    if rest >= 20:
        out.append(EN_TENS[rest // 10])
        if rest % 10:
            out.append(DIGITS["en"][rest % 10])
    elif rest >= 10:
        out.append(EN_TEENS[rest - 10])
    elif rest:
        out.append(DIGITS["en"][rest])
    return out


def ticket_tokens(ticket: str, language: str, reading: str = "digits") -> list[str]:
    """How a ticket is read: its letters, then each digit ("A 零 二 三") or the whole number."""
    match = _TICKET_RE.fullmatch(ticket)
    if match is None:
        raise ValueError(f"not a ticket: {ticket!r}")
    letters, number = match.groups()
    tokens = list(letters)
    digits = DIGITS.get(language, DIGITS["en"])
    if reading == "whole":
        whole = _zh_whole if language == "zh" else _en_whole
        tokens += whole(int(number))
    else:
        tokens += [digits[int(d)] for d in number]
    return tokens


def _split_template(template: str) -> list[tuple[str, str | None]]:
    """(literal text, field or None) pieces, in order."""
    return [(literal, name) for literal, name, _, _ in string.Formatter().parse(template)]


def phrase_tokens(text: str) -> list[str]:
    """A fixed phrase as tokens: trimmed, with the punctuation kept out of the clips."""
    cleaned = text.strip(" ,.，。、;；:：")
    return [cleaned] if cleaned else []


def spoken_part(
    language: str, template: str, ticket: str, counter_name: str, reading: str = "digits"
) -> Spoken:
    """One language's words for a call."""
    tokens: list[str] = []
    for literal, field in _split_template(template):
        tokens += phrase_tokens(literal)
        if field == "ticket":
            tokens += ticket_tokens(ticket, language, reading)
        elif field == "counter":
            tokens += phrase_tokens(counter_name)
    return Spoken(language, tuple(tokens))


def all_tokens(
    language: str,
    template: str,
    prefixes: list[str],
    counter_names: list[str],
    reading: str = "digits",
) -> set[str]:
    """Every token a language can need, to synthesise before the first call."""
    tokens: set[str] = set()
    for literal, _field in _split_template(template):
        tokens.update(phrase_tokens(literal))
    for prefix in prefixes:
        tokens.update(prefix)
    digits = DIGITS.get(language, DIGITS["en"])
    tokens.update(digits)
    if reading == "whole":
        tokens.update(
            ["十", "百", "千", "两"]
            if language == "zh"
            else [*EN_TEENS, *EN_TENS[2:], "hundred", "thousand"]
        )
    for name in counter_names:
        tokens.update(phrase_tokens(name))
    return tokens


def repeats_for(backlog: int, repeat: int) -> int:
    """The backlog policy: say a call ``repeat`` times, but once while others are waiting.

    No call is ever dropped: when calls come faster than they can be said, each is said
    once until the queue has caught up, so the wait for the last one stays short.
    """
    return 1 if backlog > 0 else repeat
