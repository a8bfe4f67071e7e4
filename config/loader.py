"""Loading a TOML config file into ``Config``, reporting every problem in the file at once.

Each problem is one line that names the key, what was found and what was expected, so a
technician fixing a lobby by phone can read the whole list out and fix it in one go.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from config.reader import LANGUAGE_RE, Reader
from config.settings import (
    Config,
    Counter,
    DisplaySettings,
    MqttSettings,
    QueueSettings,
    Service,
)
from config.theme import BUILT_IN, Theme, load_theme
from lobby.errors import ConfigError

SITE_RE = re.compile(r"[a-z0-9_-]{1,32}")
DEVICE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
WIRE_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,16}")
PREFIX_RE = re.compile(r"[A-Z]{0,2}")
TOPIC_ROOT_RE = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")


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
    )
    r.finish()
    for name in ("ca_file", "cert_file", "key_file"):
        given = getattr(settings, name)
        if given is not None and not given.is_file():
            r.problem(name, str(given), "an existing file")
    return settings


def _service(r: Reader) -> Service:
    service = Service(
        id=r.text("id", pattern=WIRE_ID_RE, expected="an id of 1-16 letters, digits, _ or -"),
        prefix=r.text("prefix", pattern=PREFIX_RE, expected='0-2 capital letters, e.g. "A"'),
        name=r.names("name"),
    )
    r.finish()
    return service


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
        font=r.path("font", base),
        screenshot=Path(shot)
        if (shot := r.text("screenshot", "", expected="a file path"))
        else defaults.screenshot,
        flash_seconds=r.number("flash_seconds", defaults.flash_seconds, 0, 600),
        recent=r.integer("recent", defaults.recent, 1, 19),
    )
    r.finish()
    if (display.width == 0) != (display.height == 0):
        r.problem(
            "width", display.width, "width and height both set, or both 0 (the screen's size)"
        )
    if display.font is not None and not display.font.is_file():
        r.problem("font", str(display.font), "an existing font file")
    return display


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
    known = {s.id for s in config.services if isinstance(s.id, str)}
    for i, counter in enumerate(config.counters):
        for service_id in counter.services:
            if service_id not in known:
                problems.append(
                    f"counters[{i}].services: found {service_id!r}, expected one of the "
                    f"[[services]] ids ({', '.join(sorted(known)) or 'none defined'})"
                )


def parse_config(
    data: Mapping[str, Any], source: str = "<config>", base: Path | None = None
) -> Config:
    """Turn a decoded TOML document into ``Config`` or raise ``ConfigError`` with every problem."""
    base = base or Path.cwd()
    problems: list[str] = []
    r = Reader(data, "", problems)
    languages = r.get(
        "languages",
        lambda v: (
            isinstance(v, list)
            and bool(v)
            and all(isinstance(x, str) and LANGUAGE_RE.fullmatch(x) for x in v)
        ),
        'a non-empty list of language codes, e.g. ["zh", "en"]',
        ["zh", "en"],
    )
    config = Config(
        site=r.text("site", pattern=SITE_RE, expected="a lobby id of 1-32 of a-z, 0-9, _ or -"),
        device=r.text(
            "device", pattern=DEVICE_RE, expected="a device id of 1-32 letters, digits, _ or -"
        ),
        site_name=r.names("site_name"),
        languages=tuple(languages),
        mqtt=_mqtt(r.table("mqtt"), base),
        queue=_queue(r.table("queue")),
        services=tuple(_service(s) for s in r.tables("services")),
        counters=tuple(_counter(c) for c in r.tables("counters")),
        display=_display(r.table("display"), base),
        source=source,
    )
    r.finish()
    _cross_check(config, problems)
    if problems:
        raise ConfigError(source, problems)
    return config


def _queue(r: Reader) -> QueueSettings:
    queue = QueueSettings(embedded=r.flag("embedded", False))
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
