"""The ``[rating]`` table: a rating pad (评价器) at one counter, its buttons and LEDs, how
long it invites a rating, and pausing the counter from it."""

from __future__ import annotations

import re
from typing import Any

from config.reader import Reader
from config.settings import Config, RatingSettings

SCALES = (3, 5)
WIRE_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,16}")
PIN_EXPECTED = "a BCM GPIO pin number from 0 to 27"


def _is_pin(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 27


def _pins_by_score(r: Reader, name: str, scale: int) -> dict[int, int]:
    """``{ 3 = 17, 2 = 27, 1 = 22 }``: a score from 1 to ``scale`` -> a BCM pin."""
    table: dict[str, Any] = r.get(
        name, lambda v: isinstance(v, dict), "a table of score = BCM pin, e.g. { 3 = 17 }", {}
    )
    out: dict[int, int] = {}
    for score, pin in table.items():
        if not (score.isdigit() and 1 <= int(score) <= scale):
            r.problem(f"{name}.{score}", pin, f"a score from 1 to {scale} as the key")
        elif not _is_pin(pin):
            r.problem(f"{name}.{score}", pin, PIN_EXPECTED)
        else:
            out[int(score)] = pin
    return out


def _pin(r: Reader, name: str) -> int | None:
    value: int | None = r.get(name, _is_pin, PIN_EXPECTED, None)
    return value


def read_rating(r: Reader, given: bool) -> RatingSettings | None:
    """None without a ``[rating]`` table; problems go to the reader's list, one line each."""
    if not given:
        r.finish()
        return None
    raw_buttons: Any = r.get("buttons", lambda v: True, "", {})
    wired = len(raw_buttons) if isinstance(raw_buttons, dict) else 0
    scale = r.get("scale", lambda v: v in SCALES, "3 or 5 faces", wired if wired in SCALES else 3)
    settings = RatingSettings(
        counter=r.text(
            "counter", pattern=WIRE_ID_RE, expected="the id of the counter the pad serves"
        ),
        scale=scale,
        buttons=_pins_by_score(r, "buttons", scale),
        leds=_pins_by_score(r, "leds", scale),
        window_s=r.number("window_s", 20.0, 2.0, 600.0),
        max_age_s=r.number("max_age_s", 300.0, 1.0, 86400.0),
        pause_pin=_pin(r, "pause_pin"),
        pause_hold=r.get(
            "pause_hold",
            lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= scale,
            f"the score (1 to {scale}) of the button held to pause",
            None,
        ),
        hold_seconds=r.number("hold_seconds", 3.0, 1.0, 10.0),
        pause_led=_pin(r, "pause_led"),
        pause_reason=r.get(
            "pause_reason",
            lambda v: isinstance(v, str) and 1 <= len(v) <= 40,
            "a reason of 1 to 40 characters",
            "counter",
        ),
    )
    r.finish()
    if settings.buttons and len(settings.buttons) != scale and wired == len(settings.buttons):
        r.problem("buttons", raw_buttons, f"a button for each score from 1 to {scale}")
    if settings.pause_hold is not None and settings.pause_hold not in settings.buttons:
        r.problem("pause_hold", settings.pause_hold, "the score of a button in `buttons`")
    return settings


def check_rating(config: Config, problems: list[str]) -> None:
    """The pad's counter must exist; each of its pins is its own, and no counter's button's."""
    rating = config.rating
    if rating is None:
        return
    known = [c.id for c in config.counters]
    if isinstance(rating.counter, str) and rating.counter not in known:
        problems.append(
            f"rating.counter: found {rating.counter!r}, expected one of the [[counters]] ids "
            f"({', '.join(known) or 'none defined'})"
        )
    taken: dict[int, str] = {}
    for i, counter in enumerate(config.counters):
        for kind in ("button", "recall_button", "led"):
            pin = getattr(counter, kind)
            if pin is not None:
                taken[pin] = f"counters[{i}].{kind}"
    for service, pin in config.kiosk.buttons.items():
        taken[pin] = f"kiosk.buttons.{service}"
    for key, pin in rating.pins().items():
        if pin in taken:
            problems.append(
                f"rating.{key}: found pin {pin}, already used by {taken[pin]}; "
                "expected a pin of its own"
            )
        taken[pin] = f"rating.{key}"
