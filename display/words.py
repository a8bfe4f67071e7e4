"""The board's fixed wording in each language; the table itself lives in ``lobby.wording``,
where the config loader can check the configured languages against it."""

from __future__ import annotations

from lobby.wording import (
    EN_MONTHS,
    EN_WEEKDAYS,
    WORDED_LANGUAGES,
    WORDS,
    ZH_WEEKDAYS,
    date_text,
    words,
)

__all__ = [
    "EN_MONTHS",
    "EN_WEEKDAYS",
    "WORDED_LANGUAGES",
    "WORDS",
    "ZH_WEEKDAYS",
    "date_text",
    "words",
]
