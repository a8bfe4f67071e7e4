"""The lobby's fixed wording in each language: polite, short, helpful.

Staff never answer with a bare "no" or "can't", and neither does the screen: every phrase
here says what to do or thanks the customer for waiting. The board can show a language only
when every phrase has a wording in it, so the config loader checks ``languages`` against
``WORDED_LANGUAGES`` and a language without wording is refused before a frame is drawn.
"""

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
    # The page shown while the screen's settings need a technician.
    "out_of_service": {"zh": "暂停服务", "en": "Temporarily out of service"},
    "being_prepared": {
        "zh": "叫号屏正在调整，请稍候",
        "en": "This screen is being prepared. Thank you for your patience.",
    },
    "ask_staff": {
        "zh": "如需帮助，请咨询引导岗工作人员",
        "en": "Our staff at the welcome desk will gladly help you.",
    },
}

WORDED_LANGUAGES: tuple[str, ...] = tuple(
    lang for lang in WORDS["now_calling"] if all(lang in table for table in WORDS.values())
)
"""The languages the board can be shown in: every phrase has a wording in each."""


def words(key: str, languages: tuple[str, ...], **values: str) -> list[str]:
    """A fixed phrase in each configured language that has it, in the configured order."""
    table = WORDS[key]
    return [table[lang].format(**values) for lang in languages if lang in table]


def date_text(wall: datetime, language: str) -> str:
    if language == "zh":
        return f"{wall.month}月{wall.day}日 {ZH_WEEKDAYS[wall.weekday()]}"
    return f"{EN_WEEKDAYS[wall.weekday()]} {wall.day} {EN_MONTHS[wall.month - 1]}"
