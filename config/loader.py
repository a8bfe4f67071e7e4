"""Loading a TOML config file into ``Config``, reporting every problem in the file at once.

Each problem is one line that names the key, what was found and what was expected, so a
technician fixing a lobby by phone can read the whole list out and fix it in one go.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any

from config.audio_table import HHMM_RE, read_audio
from config.console_table import read_console
from config.files import (
    FONT_KINDS,
    PASSPHRASE,
    ca_problem,
    client_certificate_problem,
    font_problem,
    sqlite_problem,
)
from config.hours_table import read_hours
from config.kiosk_table import check_kiosk, read_kiosk
from config.plugins import PIN_FACTORIES, names
from config.rating_table import check_rating, read_rating
from config.reader import Reader
from config.settings import (
    ButtonSettings,
    Config,
    Counter,
    DisplaySettings,
    MqttSettings,
    QueueSettings,
    Service,
)
from config.theme import BUILT_IN, Theme, load_theme
from lobby.day import reset_inside
from lobby.errors import ConfigError
from lobby.wording import WORDED_LANGUAGES

SITE_RE = re.compile(r"[a-z0-9_-]{1,32}")
DEVICE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
WIRE_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,16}")
PREFIX_RE = re.compile(r"[A-Z]{0,2}")
TOPIC_ROOT_RE = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")
TV_POWER_RE = re.compile(r"auto|cec|blank|none")
TV_POWER_EXPECTED = '"auto", "cec", "blank" or "none"'
CEC_DEVICE_RE = re.compile(r"/[^\s]+")
LAYOUT_RE = re.compile("board|counter")


def _mqtt(r: Reader, base: Path) -> MqttSettings:
    password = r.text("password", "")
    password_file = r.path("password_file", base)
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            r.problem("password_file", str(password_file), f"a readable file ({exc.strerror})")
    ca_file = r.path("ca_file", base)
    settings = MqttSettings(
        host=r.text("host", "localhost", re.compile(r"[A-Za-z0-9_.:-]{1,253}"), "a host name"),
        port=r.integer("port", 1883, 1, 65535),
        username=r.text("username", ""),
        password=password,
        keepalive=r.integer("keepalive", 30, 5, 3600),
        topic_root=r.text(
            "topic_root", "callboard", TOPIC_ROOT_RE, "topic levels like 'callboard'"
        ),
        tls=r.flag("tls", False) or ca_file is not None,
        ca_file=ca_file,
        cert_file=r.path("cert_file", base),
        key_file=r.path("key_file", base),
        protocol=r.text(
            "protocol", "auto", re.compile(r"auto|5|3\.1\.1"), '"auto", "5" or "3.1.1"'
        ),
    )
    r.finish()
    missing = False
    for name in ("ca_file", "cert_file", "key_file"):
        given = getattr(settings, name)
        if given is not None and not given.is_file():
            r.problem(name, str(given), "an existing file")
            missing = True
    if settings.key_file is not None and settings.cert_file is None:
        r.problem("key_file", str(settings.key_file), "a key set together with cert_file")
    elif not missing:
        _tls_files(r, settings)
    return settings


def _tls_files(r: Reader, settings: MqttSettings) -> None:
    """Load the certificates as paho will when it connects, so a file that is no PEM
    certificate, or a key that does not match, is named now and not by a crash at start."""
    if settings.ca_file is not None and (why := ca_problem(settings.ca_file)) is not None:
        r.problem("ca_file", str(settings.ca_file), f"PEM CA certificates ({why})")
    if settings.cert_file is None:
        return
    found = client_certificate_problem(settings.cert_file, settings.key_file)
    if found == PASSPHRASE:
        r.problem("key_file", str(settings.key_file), f"a key without a passphrase ({found})")
    elif found is not None:
        where = str(settings.cert_file)
        r.problem("cert_file", where, f"a PEM client certificate and its key ({found})")


def _service(r: Reader) -> Service:
    service = Service(
        id=r.text("id", pattern=WIRE_ID_RE, expected="an id of 1-16 letters, digits, _ or -"),
        prefix=r.text("prefix", pattern=PREFIX_RE, expected='0-2 capital letters, e.g. "A"'),
        name=r.names("name"),
    )
    r.finish()
    return service


def _pin(r: Reader, name: str) -> int | None:
    value: int | None = r.get(
        name,
        lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 27,
        "a BCM GPIO pin number from 0 to 27",
        None,
    )
    return value


def _buttons(r: Reader) -> ButtonSettings:
    settings = ButtonSettings(
        pull_up=r.flag("pull_up", True),
        bounce_ms=r.integer("bounce_ms", 30, 0, 500),
        hold_seconds=r.number("hold_seconds", 1.5, 0.3, 10),
        skip=r.text(
            "skip",
            "none",
            re.compile("none|double|recall-hold"),
            '"none", "double" or "recall-hold"',
        ),
        double_seconds=r.number("double_seconds", 0.5, 0.2, 2),
        max_age_s=r.number("max_age_s", 60, 1, 3600),
        keyboard=r.flag("keyboard", True),
        pin_factory=r.get(
            "pin_factory",
            lambda v: v == "" or v in names(PIN_FACTORIES),
            f"one of gpiozero's pin factories ({', '.join(names(PIN_FACTORIES))}) or empty",
            "",
        ),
    )
    r.finish()
    return settings


def _counter(r: Reader) -> Counter:
    def ok(v: Any) -> bool:
        return (
            isinstance(v, list)
            and bool(v)
            and all(isinstance(s, str) and WIRE_ID_RE.fullmatch(s) for s in v)
        )

    counter = Counter(
        id=r.text("id", pattern=WIRE_ID_RE, expected="an id of 1-16 letters, digits, _ or -"),
        services=tuple(r.get("services", ok, "a non-empty list of service ids", [])),
        name=r.names("name"),
        spoken=r.names("spoken"),
        button=_pin(r, "button"),
        recall_button=_pin(r, "recall_button"),
        led=_pin(r, "led"),
    )
    r.finish()
    return counter


def _fullscreen(r: Reader) -> bool | None:
    value = r.get(
        "fullscreen",
        lambda v: isinstance(v, bool) or v == "auto",
        'true, false or "auto"',
        "auto",
    )
    return None if value == "auto" else bool(value)


def _theme(r: Reader, base: Path) -> Theme:
    name = r.text("theme", "default")
    if name in BUILT_IN:
        return BUILT_IN[name]
    path = base / name
    if path.suffix != ".toml" or not path.is_file():
        r.problem("theme", name, f"{', '.join(BUILT_IN)} or an existing theme file (.toml)")
        return BUILT_IN["default"]
    return load_theme(path, r.problems)


def _display(r: Reader, base: Path) -> DisplaySettings:
    defaults = DisplaySettings()
    display = DisplaySettings(
        width=r.integer("width", 0, 0, 7680),
        height=r.integer("height", 0, 0, 4320),
        fullscreen=_fullscreen(r),
        theme=_theme(r, base),
        font=r.file("font", base, font_problem, f"a font file ({FONT_KINDS})"),
        screenshot=Path(shot)
        if (shot := r.text("screenshot", "", expected="a file path"))
        else defaults.screenshot,
        flash_seconds=r.number("flash_seconds", defaults.flash_seconds, 0, 600),
        recent=r.integer("recent", defaults.recent, 1, 19),
        stale_after_s=r.integer("stale_after_s", defaults.stale_after_s, 30, 86400),
        counters=_ids(r, "counters", "counter"),
        services=_ids(r, "services", "service"),
        area=r.names("area"),
        tv_power=r.text("tv_power", defaults.tv_power, TV_POWER_RE, TV_POWER_EXPECTED),
        tv_on_before_min=r.integer("tv_on_before_min", defaults.tv_on_before_min, 0, 240),
        tv_off_after_min=r.integer("tv_off_after_min", defaults.tv_off_after_min, 0, 720),
        cec_device=r.text(
            "cec_device", defaults.cec_device, CEC_DEVICE_RE, "a device path like /dev/cec0"
        ),
        layout=r.text("layout", "board", LAYOUT_RE, '"board" or "counter"'),
        counter=r.text("counter", "", WIRE_ID_RE, "a counter's id"),
    )
    r.finish()
    if display.screenshot.is_absolute() and display.screenshot.is_dir():
        r.problem("screenshot", str(display.screenshot), "a PNG file's path, not a folder")
    if (display.width == 0) != (display.height == 0):
        r.problem(
            "width", display.width, "width and height both set, or both 0 (the screen's size)"
        )
    return display


def _ids(r: Reader, name: str, kind: str) -> tuple[str, ...]:
    """A list of wire ids, each once (the board for part of the hall); () when absent."""
    listed: Any = r.get(
        name, lambda v: isinstance(v, list), f'a list of {kind} ids, e.g. ["7", "8"]', []
    )
    kept: list[str] = []
    for i, item in enumerate(listed):
        if not isinstance(item, str) or not WIRE_ID_RE.fullmatch(item):
            r.problem(f"{name}[{i}]", item, f"a {kind} id of 1-16 letters, digits, _ or -")
        elif item in kept:
            r.problem(f"{name}[{i}]", item, f"each {kind} listed once")
        else:
            kept.append(item)
    return tuple(kept)


def _check_area(config: Config, problems: list[str]) -> None:
    """The part of the hall a board shows names counters and services the lobby has."""
    for name, listed, items in (
        ("counters", config.display.counters, config.counters),
        ("services", config.display.services, config.services),
    ):
        known = [item.id for item in items if isinstance(item.id, str)]
        for i, item_id in enumerate(listed):
            if item_id not in known:
                problems.append(
                    f"display.{name}[{i}]: found {item_id!r}, expected one of the "
                    f"[[{name}]] ids ({', '.join(known) or 'none defined'})"
                )


def _cross_check(config: Config, problems: list[str]) -> None:
    """Problems that span keys: duplicate ids, counters serving unknown services."""
    ids = {
        "services": [s.id for s in config.services],
        "counters": [c.id for c in config.counters],
    }
    for kind, listed in ids.items():
        seen: set[str] = set()
        for i, item_id in enumerate(listed):
            if not isinstance(item_id, str):
                continue  # already reported as missing or wrong
            if item_id in seen:
                problems.append(f"{kind}[{i}].id: found {item_id!r} again, expected unique ids")
            seen.add(item_id)
    prefixes: dict[str, str] = {}
    for i, service in enumerate(config.services):
        if not isinstance(service.prefix, str):
            continue
        if service.prefix in prefixes:
            other = prefixes[service.prefix]
            problems.append(
                f"services[{i}].prefix: found {service.prefix!r}, already used by service "
                f"{other!r}; expected a prefix per service"
            )
        prefixes[service.prefix] = service.id
    pins: dict[int, str] = {}
    for i, counter in enumerate(config.counters):
        for kind in ("button", "recall_button", "led"):
            pin = getattr(counter, kind)
            if pin is None:
                continue
            if pin in pins:
                problems.append(
                    f"counters[{i}].{kind}: found pin {pin}, already used by "
                    f"{pins[pin]}; expected a pin of its own"
                )
            pins[pin] = f"counters[{i}].{kind}"
    _counter_screen(config, problems)
    known = {s.id for s in config.services if isinstance(s.id, str)}
    for i, counter in enumerate(config.counters):
        for j, service_id in enumerate(counter.services):
            if service_id not in known:
                problems.append(
                    f"counters[{i}].services: found {service_id!r}, expected one of the "
                    f"[[services]] ids ({', '.join(sorted(known)) or 'none defined'})"
                )
            elif service_id in counter.services[:j]:
                problems.append(
                    f"counters[{i}].services: found {service_id!r} again, expected each "
                    "service once, in the order the counter serves them"
                )


def _day_check(config: Config, problems: list[str]) -> None:
    """The day's numbering restarts at ``[queue] reset_at``: never while the lobby is open
    (the tickets of the morning and of the afternoon would be two days)."""
    if config.hours.always or not HHMM_RE.fullmatch(config.queue.reset_at):
        return
    reset = time.fromisoformat(config.queue.reset_at)
    inside = reset_inside(config.hours, reset)
    if inside is not None:
        day, span = inside
        problems.append(
            f"queue.reset_at: found {config.queue.reset_at!r}, inside the opening hours "
            f"([hours] {day} = {span!r}); expected a time the lobby is closed (the day's "
            'numbering restarts then), such as "04:00"'
        )


def _counter_screen(config: Config, problems: list[str]) -> None:
    """A counter's screen names a counter of this lobby; a board names none."""
    display = config.display
    ids = [c.id for c in config.counters if isinstance(c.id, str)]
    listed = ", ".join(ids) or "none defined"
    if display.layout == "counter" and not display.counter:
        if not any(p.startswith("display.counter:") for p in problems):
            problems.append(
                f'display.counter: missing, expected with layout = "counter" the id of the '
                f"counter this screen sits above (one of the [[counters]] ids: {listed})"
            )
    elif display.layout == "counter" and display.counter not in ids:
        problems.append(
            f"display.counter: found {display.counter!r}, expected one of the [[counters]] "
            f"ids ({listed})"
        )
    elif display.layout != "counter" and display.counter:
        problems.append(
            f"display.counter: found {display.counter!r}, expected it only with "
            'layout = "counter" (a board shows every counter)'
        )


def _whole_lobby(r: Reader, config: Config) -> None:
    """A lobby has services to take tickets for and counters to call them to; a board
    with neither is a screen that can only ever say "please take a ticket"."""
    for kind, items, example in (
        ("services", config.services, 'id = "general", prefix = "A"'),
        ("counters", config.counters, 'id = "1", services = ["general"]'),
    ):
        if not items and not any(p.startswith(f"{kind}:") for p in r.problems):
            r.problems.append(f"{kind}: found none, expected at least one [[{kind}]] ({example})")


def parse_config(
    data: Mapping[str, Any], source: str = "<config>", base: Path | None = None
) -> Config:
    """Turn a decoded TOML document into ``Config`` or raise ``ConfigError`` with every problem."""
    base = base or Path.cwd()
    problems: list[str] = []
    r = Reader(data, "", problems)
    languages = r.languages("languages", WORDED_LANGUAGES, "the board has wording for", True)
    languages = languages or Config.languages
    config = Config(
        site=r.text("site", pattern=SITE_RE, expected="a lobby id of 1-32 of a-z, 0-9, _ or -"),
        device=r.text(
            "device", pattern=DEVICE_RE, expected="a device id of 1-32 letters, digits, _ or -"
        ),
        site_name=r.names("site_name"),
        languages=languages,
        mqtt=_mqtt(r.table("mqtt"), base),
        queue=_queue(r.table("queue")),
        services=tuple(_service(s) for s in r.tables("services")),
        counters=tuple(_counter(c) for c in r.tables("counters")),
        display=_display(r.table("display"), base),
        audio=read_audio(r.table("audio"), languages, base),
        buttons=_buttons(r.table("buttons")),
        kiosk=read_kiosk(r.table("kiosk")),
        console=read_console(r.table("console"), base),
        hours=read_hours(r.table("hours"), "hours" in data),
        rating=read_rating(r.table("rating"), "rating" in data),
        source=source,
    )
    r.finish()
    if config.display.layout == "counter" and "enabled" not in data.get("audio", {}):
        # a counter's screen is silent unless told: the lobby's voice calls the numbers
        config = dataclasses.replace(config, audio=dataclasses.replace(config.audio, enabled=False))
    _whole_lobby(r, config)
    _cross_check(config, problems)
    _day_check(config, problems)
    _check_area(config, problems)
    check_kiosk(config.kiosk, {s.id for s in config.services if isinstance(s.id, str)}, problems)
    check_rating(config, problems)
    if problems:
        raise ConfigError(source, problems)
    return config


def _queue(r: Reader) -> QueueSettings:
    db = r.text("db", "", expected="a file path")
    # A relative path is the daemon's working directory's business, not this shell's.
    if db and Path(db).is_absolute() and (why := sqlite_problem(Path(db))) is not None:
        r.problem("db", db, f"an SQLite database file (or a new one's name), but {why}")
    queue = QueueSettings(
        embedded=r.flag("embedded", False),
        db=Path(db) if db else None,
        reset_at=r.text("reset_at", "04:00", HHMM_RE, 'a time like "04:00"'),
        number_width=r.integer("number_width", 3, 1, 4),
        standby=r.flag("standby", False),
        call_expiry_s=r.integer("call_expiry_s", 90, 5, 3600),
        low_satisfaction=r.number("low_satisfaction", 0.0, 0.0, 1.0),
    )
    r.finish()
    return queue


def load_config(path: str | Path) -> Config:
    """Read and check a config file; ``ConfigError`` lists every problem found."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(str(path), ["the file is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"]) from None
    return parse_config(data, str(path), path.parent)
