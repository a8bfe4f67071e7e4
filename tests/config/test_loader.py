"""Config files: the example loads; each mistake gets one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import EXAMPLE, load_config
from lobby.errors import ConfigError
from tests.conftest import run_cli

MINIMAL = """
site = "hz-main"
device = "pi-1"
[[services]]
id = "general"
prefix = "A"
[[counters]]
id = "1"
services = ["general"]
"""


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as failed:
        load_config(path)
    return failed.value.problems


def test_the_shipped_example_is_a_whole_lobby() -> None:
    config = load_config(EXAMPLE)
    assert config.site == "hz-main"
    assert [s.prefix for s in config.services] == ["A", "C", "V", "T", "P"]
    green = config.counter("1")
    assert green.services[0] == "vip"
    assert green.label("zh") == "1号绿色通道"
    assert config.mqtt.port == 1883 and config.queue.embedded is False


def test_a_minimal_file_gets_polite_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    config = load_config(path)
    assert config.mqtt.host == "localhost" and config.mqtt.topic_root == "callboard"
    assert config.display.fullscreen is None
    assert config.counter("1").label("zh") == "1号窗口"
    assert (
        config.counter("9").label("en") == "Counter 9"
    )  # a call to an unknown counter still shows


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('site = "hz-main"', 'site = "HZ Main"'),
            "site: found a string 'HZ Main', expected a lobby id of 1-32 of a-z, 0-9, _ or -",
        ),
        (('site = "hz-main"', ""), "site: missing, expected a lobby id"),
        (('device = "pi-1"', "device = 7"), "device: found an integer 7, expected a device id"),
        (
            ("[[services]]", '[mqtt]\nport = "1883"\n[[services]]'),
            "mqtt.port: found a string '1883', expected an integer from 1 to 65535",
        ),
        (
            ("[[services]]", "[mqtt]\nport = 70000\n[[services]]"),
            "mqtt.port: found an integer 70000, expected an integer from 1 to 65535",
        ),
        (
            ("[[services]]", "[mqtt]\nprot = 1883\n[[services]]"),
            "mqtt.prot: unknown key, expected one of:",
        ),
        (
            ("[[services]]", '[queue]\nembedded = "yes"\n[[services]]'),
            "queue.embedded: found a string 'yes', expected true or false",
        ),
        (
            ('prefix = "A"', 'prefix = "a"'),
            "services[0].prefix: found a string 'a', expected 0-2 capital",
        ),
        (
            ('services = ["general"]', 'services = ["cashier"]'),
            "counters[0].services: found 'cashier', expected one of the [[services]] ids (general)",
        ),
        (
            ('services = ["general"]', "services = []"),
            "counters[0].services: found a list, expected a non-empty list of service ids",
        ),
        (
            ("[[counters]]", "[display]\nwidth = 1920\n[[counters]]"),
            "display.width: found an integer 1920, expected width and height both set",
        ),
        (
            ("[[counters]]", '[display]\ntheme = "pink"\n[[counters]]'),
            "display.theme: found a string 'pink', expected default, dark, light or an existing",
        ),
        (
            ("[[counters]]", "[display]\nfullscreen = 1\n[[counters]]"),
            'display.fullscreen: found an integer 1, expected true, false or "auto"',
        ),
        (
            ("[[counters]]", '[mqtt]\nca_file = "missing.crt"\n[[counters]]'),
            "mqtt.ca_file: found a string",
        ),
        (
            ('id = "1"', 'id = "1"\nname = { zh = 5 }'),
            "counters[0].name: found a table, expected a table of names",
        ),
    ],
)
def test_each_mistake_is_one_line_naming_the_key(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    problems = problems_of(tmp_path, MINIMAL.replace(*change, 1))
    assert any(p.startswith(expected) for p in problems), problems


def test_duplicates_are_named(tmp_path: Path) -> None:
    text = MINIMAL + '[[services]]\nid = "general"\nprefix = "A"\n'
    problems = problems_of(tmp_path, text)
    assert "services[1].id: found 'general' again, expected unique ids" in problems
    assert any(p.startswith("services[1].prefix: found 'A', already used") for p in problems)


def test_every_problem_in_a_file_is_reported_together(tmp_path: Path) -> None:
    text = MINIMAL.replace('site = "hz-main"', 'site = ""').replace("pi-1", "pi 1")
    text += '[mqtt]\nport = 0\nkeepalive = "x"\n'
    problems = problems_of(tmp_path, text)
    assert len(problems) == 4, problems


def test_broken_toml_and_missing_files_are_one_clear_line(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "site = \n")[0].startswith("not valid TOML: ")
    with pytest.raises(ConfigError) as failed:
        load_config(tmp_path / "nope.toml")
    assert failed.value.problems == ["cannot read the file: No such file or directory"]


def test_check_config_says_ok_for_the_example() -> None:
    result = run_cli("check-config", str(EXAMPLE))
    assert result.returncode == 0
    assert "OK: site hz-main, device lobby-pi-1, 5 services, 6 counters" in result.stdout


def test_check_config_lists_problems_and_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(MINIMAL.replace("1883", "x") + '[mqtt]\nport = "x"\n', encoding="utf-8")
    result = run_cli("check-config", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}: 1 problem(s):\n  mqtt.port: found a string 'x'" in result.stderr
    daemon = run_cli("run", "--config", str(path))
    assert (
        daemon.returncode == 2 and "mqtt.port" in daemon.stderr and "Traceback" not in daemon.stderr
    )
