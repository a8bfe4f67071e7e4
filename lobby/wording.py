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
    # The ticket machine.
    "choose_service": {"zh": "请选择您要办理的业务", "en": "Please choose your service"},
    "n_waiting": {"zh": "{n} 人等候", "en": "{n} waiting"},
    "call_me_in": {"zh": "叫号语言", "en": "Call me in"},
    "getting_ticket": {"zh": "正在为您取号，请稍候…", "en": "Getting your ticket, one moment…"},
    "your_number": {"zh": "您的号码", "en": "Your number"},
    "ahead": {"zh": "您前面还有 {n} 位", "en": "{n} ahead of you"},
    "you_are_next": {"zh": "您是下一位", "en": "You are next"},
    "about_wait": {"zh": "预计等候约 {minutes} 分钟", "en": "About {minutes} min to wait"},
    "watch_screen": {
        "zh": "请留意叫号屏，谢谢您的耐心等候",
        "en": "Please watch the screen for your number. Thank you for waiting.",
    },
    "remember_number": {
        "zh": "打印机暂时无法出票，请记住您的号码",
        "en": "The printer is resting: please remember your number.",
    },
    "not_available": {"zh": "暂时无法取号", "en": "Tickets are not available just now"},
    "ask_guide": {
        "zh": "请到引导台咨询，工作人员将为您服务",
        "en": "Please ask at the welcome desk: our staff will gladly help you.",
    },
    "service_paused": {"zh": "暂停办理", "en": "Not available now"},
    "opening_hours": {"zh": "营业时间 {hours}", "en": "Open {hours}"},
    "closed_today": {"zh": "今日休息", "en": "Closed today"},
    # Outside the opening hours: the board's closed page, and the kiosk told so by the engine.
    "closed": {"zh": "暂停营业", "en": "We are closed now"},
    "opens_at": {"zh": "{day}{time} 开始营业", "en": "We open {day} at {time}"},
    "see_you": {
        "zh": "感谢您的光临，欢迎在营业时间再来",
        "en": "Thank you for visiting. We look forward to seeing you.",
    },
    "hours_title": {"zh": "营业时间", "en": "Opening hours"},
    "day_off": {"zh": "休息", "en": "closed"},
    "today": {"zh": "今天 ", "en": "today"},
    "tomorrow": {"zh": "明天 ", "en": "tomorrow"},
    "no_tickets_now": {"zh": "现在暂停取号", "en": "No tickets are given just now"},
    # The screen above a counter.
    "now_serving": {"zh": "正在办理", "en": "Now serving"},
    "counter_closed": {"zh": "暂停服务", "en": "Closed"},
    "counter_closed_help": {
        "zh": "请留意叫号屏，其他窗口将为您服务",
        "en": "Please watch the call screen: another counter will serve you.",
    },
    "counter_idle": {
        "zh": "请取号，留意叫号屏",
        "en": "Please take a ticket and watch the call screen",
    },
    "services_here": {"zh": "本窗口办理", "en": "Services here"},
    "please_rate": {"zh": "请您对本次服务作出评价", "en": "Please rate our service"},
    "very_satisfied": {"zh": "非常满意", "en": "Very satisfied"},
    "satisfied": {"zh": "满意", "en": "Satisfied"},
    "neutral": {"zh": "一般", "en": "Neutral"},
    "unsatisfied": {"zh": "不满意", "en": "Unsatisfied"},
    "very_unsatisfied": {"zh": "非常不满意", "en": "Very unsatisfied"},
    "thanks_rating": {"zh": "谢谢您的评价", "en": "Thank you for your feedback"},
}

FACES = {
    3: ("satisfied", "neutral", "unsatisfied"),
    5: ("very_satisfied", "satisfied", "neutral", "unsatisfied", "very_unsatisfied"),
}
"""The faces of a rating pad's scale, as Chinese pads lay them out: the happiest first
(its score is the scale), the unhappiest last (score 1)."""

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
"""Each language by its own name, as a customer looks for it."""

WORDED_LANGUAGES: tuple[str, ...] = tuple(
    lang for lang in WORDS["now_calling"] if all(lang in table for table in WORDS.values())
)
"""The languages the board can be shown in: every phrase has a wording in each."""


def words(key: str, languages: tuple[str, ...], **values: str) -> list[str]:
    """A fixed phrase in each configured language that has it, in the configured order."""
    table = WORDS[key]
    return [table[lang].format(**values) for lang in languages if lang in table]


EN_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def opens_text(opens: datetime, wall: datetime, language: str) -> str:
    """When the lobby opens, as a person says it: "明天 08:30 开始营业", "We open on Monday
    at 08:30"; a date when it is more than a week away."""
    days = (opens.date() - wall.date()).days
    if days <= 0:
        day = WORDS["today"][language]
    elif days == 1:
        day = WORDS["tomorrow"][language]
    elif days < 7:
        day = ZH_WEEKDAYS[opens.weekday()] + " " if language == "zh" else "on "
        day += "" if language == "zh" else EN_DAY_NAMES[opens.weekday()]
    else:
        day = f"{opens.month}月{opens.day}日 " if language == "zh" else f"on {opens.day} "
        day += "" if language == "zh" else EN_MONTHS[opens.month - 1]
    return WORDS["opens_at"][language].format(day=day, time=opens.strftime("%H:%M"))


def week_text(first: int, last: int, hours: str, language: str) -> str:
    """A run of weekdays and their hours: "星期一至星期五 08:30-17:00", "Sun closed"."""
    names = ZH_WEEKDAYS if language == "zh" else EN_WEEKDAYS
    joiner = "至" if language == "zh" else "–"
    days = names[first] if first == last else f"{names[first]}{joiner}{names[last]}"
    return f"{days} {hours or WORDS['day_off'][language]}"


def date_text(wall: datetime, language: str) -> str:
    if language == "zh":
        return f"{wall.month}月{wall.day}日 {ZH_WEEKDAYS[wall.weekday()]}"
    return f"{EN_WEEKDAYS[wall.weekday()]} {wall.day} {EN_MONTHS[wall.month - 1]}"
