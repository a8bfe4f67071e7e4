"""The board's fixed wording in each language: polite, short, helpful."""

from __future__ import annotations

from datetime import datetime

ZH_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

WORDS: dict[str, dict[str, str]] = {
    "now_calling": {"zh": "正在叫号", "en": "Now calling"},
    "recalling": {"zh": "再次叫号", "en": "Calling again"},
    "go_to": {"zh": "请到 {counter}", "en": "Please go to {counter}"},
    "welcome": {"zh": "欢迎光临", "en": "Welcome"},
    "take_ticket": {"zh": "请取号，留意叫号屏", "en": "Please take a ticket and watch this screen"},
    "recent": {"zh": "最近叫号", "en": "Recent calls"},
    "waiting": {"zh": "等候人数", "en": "Waiting"},
    "reconnecting": {"zh": "正在重新连接…", "en": "Reconnecting…"},
}


def words(key: str, languages: tuple[str, ...], **values: str) -> list[str]:
    """A fixed phrase in each configured language that has it, in the configured order."""
    table = WORDS[key]
    return [table[lang].format(**values) for lang in languages if lang in table]


def date_text(wall: datetime, language: str) -> str:
    if language == "zh":
        return f"{wall.month}月{wall.day}日 {ZH_WEEKDAYS[wall.weekday()]}"
    return f"{EN_WEEKDAYS[wall.weekday()]} {wall.day} {EN_MONTHS[wall.month - 1]}"
