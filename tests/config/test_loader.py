"""Config files: the example loads; each mistake gets one line naming the key."""

from __future__ import annotations

import os
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
        (
            ('device = "pi-1"', 'device = "pi-1"\nlanguages = ["en", "fr"]'),
            "languages[1]: found a string 'fr', expected a language the board has wording for "
            "(zh, en)",
        ),
        (
            ('device = "pi-1"', 'device = "pi-1"\nlanguages = ["zh", "en", "zh"]'),
            "languages[2]: found a string 'zh', expected each language listed once",
        ),
        (
            ('device = "pi-1"', 'device = "pi-1"\nlanguages = []'),
            "languages: found a list, expected a non-empty list of languages the board has",
        ),
        (
            ("[[counters]]", '[audio]\nlanguages = ["en", "ja"]\n[[counters]]'),
            "audio.languages[1]: found a string 'ja', expected a language the voice has "
            "wording for, or one given a template (zh, en, cmn, yue)",
        ),
        (
            ("[[counters]]", '[audio]\ncustomer_language = "last"\n[[counters]]'),
            'audio.customer_language: found a string \'last\', expected "first" or "only" '
            'or "ignore"',
        ),
        (
            ("[[counters]]", '[audio]\nzero = "nought"\n[[counters]]'),
            'audio.zero: found a string \'nought\', expected "zero" or "oh"',
        ),
        (
            ("[[counters]]", "[audio]\napology_after_s = -60\n[[counters]]"),
            "audio.apology_after_s: found an integer -60, expected an integer from 0 to 86400",
        ),
        (
            ("[[counters]]", '[audio]\napologies = { en = "Sorry, {ticket}" }\n[[counters]]'),
            "audio.apologies.en: found a string 'Sorry, {ticket}', expected a phrase of 1 to 80 "
            "characters with no {fields}",
        ),
        (
            (
                "[[counters]]",
                '[audio]\nlanguages = ["fr"]\ntemplates = { fr = "Client {ticket}" }\n'
                "apology_after_s = 900\n[[counters]]",
            ),
            "audio.apologies.fr: missing, expected the apology for a long wait in fr "
            "(apology_after_s is 900)",
        ),
        (
            ('services = ["general"]', 'services = ["general", "general"]'),
            "counters[0].services: found 'general' again, expected each service once",
        ),
        (
            ("[[counters]]", '[display]\nfont = "/etc/passwd"\n[[counters]]'),
            "display.font: found a string '/etc/passwd', expected a font file (TrueType, "
            "OpenType, TTC or WOFF), but it is not a font",
        ),
        (
            ("[[counters]]", '[display]\nfont = "/etc"\n[[counters]]'),
            "display.font: found a string '/etc', expected a font file (TrueType, OpenType, TTC "
            "or WOFF), but it is a folder",
        ),
        (
            ("[[counters]]", '[queue]\ndb = "/etc/passwd"\n[[counters]]'),
            "queue.db: found a string '/etc/passwd', expected an SQLite database file (or a "
            "new one's name), but it is not an SQLite database",
        ),
        (
            ("[[counters]]", '[display]\nscreenshot = "/tmp"\n[[counters]]'),
            "display.screenshot: found a string '/tmp', expected a PNG file's path, not a folder",
        ),
        (
            ("[[counters]]", '[hours]\nmon = "08:30-17:00"\nclosing_minutes = 300\n[[counters]]'),
            "hours.closing_minutes: found an integer 300, expected an integer from 0 to 240",
        ),
        (
            (
                "[[counters]]",
                '[queue]\nreset_at = "09:00"\n[hours]\nmon = "08:30-17:00"\n[[counters]]',
            ),
            "queue.reset_at: found '09:00', inside the opening hours ([hours] mon = "
            "'08:30-17:00'); expected a time the lobby is closed (the day's numbering restarts "
            'then), such as "04:00"',
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
    # run checks with the same code; with no screen for its out-of-service page, it exits 2
    no_screen = {**os.environ, "SDL_VIDEODRIVER": "no-such-driver"}
    daemon = run_cli("run", "--config", str(path), env=no_screen)
    assert (
        daemon.returncode == 2 and "mqtt.port" in daemon.stderr and "Traceback" not in daemon.stderr
    )


def test_a_lobby_has_services_and_counters(tmp_path: Path) -> None:
    nothing = 'site = "hz-main"\ndevice = "pi-1"\n'
    assert problems_of(tmp_path, nothing) == [
        'services: found none, expected at least one [[services]] (id = "general", prefix = "A")',
        'counters: found none, expected at least one [[counters]] (id = "1", services = '
        '["general"])',
    ]
    services_only = MINIMAL[: MINIMAL.index("[[counters]]")]
    assert [p.split(":")[0] for p in problems_of(tmp_path, services_only)] == ["counters"]


def test_a_font_that_is_a_text_file_is_refused_by_check_config(tmp_path: Path) -> None:
    (tmp_path / "font.ttf").write_text("this is not a font\n", encoding="utf-8")
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL + '[display]\nfont = "font.ttf"\n', encoding="utf-8")
    result = run_cli("check-config", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{path}: 1 problem(s):",
        f"  display.font: found a string '{tmp_path / 'font.ttf'}', expected a font file "
        "(TrueType, OpenType, TTC or WOFF), but it is not a font",
    ]


def _openssl(*args: str) -> None:
    import subprocess

    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _certificate(folder: Path, name: str, passphrase: str = "") -> tuple[Path, Path]:
    key, cert = folder / f"{name}.key", folder / f"{name}.crt"
    secret = ["-passout", f"pass:{passphrase}"] if passphrase else ["-nodes"]
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-keyout", str(key), "-out", str(cert),
        "-days", "1", "-subj", f"/CN={name}", *secret,
    )  # fmt: skip
    return key, cert


def test_tls_files_are_loaded_as_the_broker_link_will_load_them(tmp_path: Path) -> None:
    key, cert = _certificate(tmp_path, "lobby")
    other_key, _ = _certificate(tmp_path, "other")
    locked_key, locked_cert = _certificate(tmp_path, "locked", passphrase="secret")

    def mqtt(**files: Path) -> list[str]:
        lines = "".join(f'{name} = "{path}"\n' for name, path in files.items())
        return problems_of(tmp_path, MINIMAL + f"[mqtt]\n{lines}")

    path = tmp_path / "c.toml"
    tls = f'[mqtt]\nca_file = "{cert}"\ncert_file = "{cert}"\nkey_file = "{key}"\n'
    path.write_text(MINIMAL + tls, encoding="utf-8")
    assert load_config(path).mqtt.tls
    assert mqtt(ca_file=Path("/etc/passwd")) == [
        "mqtt.ca_file: found a string '/etc/passwd', expected PEM CA certificates (no "
        "certificate or crl found)"
    ]
    assert mqtt(cert_file=cert, key_file=other_key)[0].startswith(
        f"mqtt.cert_file: found a string '{cert}', expected a PEM client certificate and its "
        "key (key values mismatch)"
    )
    assert mqtt(key_file=key) == [
        f"mqtt.key_file: found a string '{key}', expected a key set together with cert_file"
    ]
    assert mqtt(cert_file=locked_cert, key_file=locked_key) == [
        f"mqtt.key_file: found a string '{locked_key}', expected a key without a passphrase "
        "(nobody can type one at start)"
    ]


def test_the_board_wording_stays_where_the_display_reads_it() -> None:
    from display import words
    from lobby import wording

    assert words.WORDS is wording.WORDS and wording.WORDED_LANGUAGES == ("zh", "en")
    assert words.words("welcome", ("en", "zh")) == ["Welcome", "欢迎光临"]


def test_the_tv_power_keys_are_checked_together(tmp_path: Path) -> None:
    assert load_config(EXAMPLE).display.tv_power == "auto"  # the example asks for it
    display = load_config(_write(tmp_path, MINIMAL)).display
    assert (display.tv_power, display.tv_on_before_min, display.tv_off_after_min) == (
        "none",
        15,
        30,
    )
    assert display.cec_device == "/dev/cec0"
    found = problems_of(
        tmp_path,
        MINIMAL + '[display]\ntv_power = "off"\ntv_on_before_min = -5\n'
        'tv_off_after_min = 1000\ncec_device = "cec1"\n',
    )
    assert found == [
        'display.tv_power: found a string \'off\', expected "auto", "cec", "blank" or "none"',
        "display.tv_on_before_min: found an integer -5, expected an integer from 0 to 240",
        "display.tv_off_after_min: found an integer 1000, expected an integer from 0 to 720",
        "display.cec_device: found a string 'cec1', expected a device path like /dev/cec0",
    ]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ok.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_counter_screen_names_a_counter_of_the_lobby_and_is_silent_unless_told(
    tmp_path: Path,
) -> None:
    counter_screen = MINIMAL + '[display]\nlayout = "counter"\n'
    assert problems_of(tmp_path, counter_screen) == [
        'display.counter: missing, expected with layout = "counter" the id of the counter '
        "this screen sits above (one of the [[counters]] ids: 1)"
    ]
    assert problems_of(tmp_path, counter_screen + 'counter = "7"\n') == [
        "display.counter: found '7', expected one of the [[counters]] ids (1)"
    ]
    assert problems_of(tmp_path, MINIMAL + '[display]\ncounter = "1"\n') == [
        "display.counter: found '1', expected it only with layout = \"counter\" (a board "
        "shows every counter)"
    ]
    assert problems_of(tmp_path, MINIMAL + '[display]\nlayout = "wall"\n') == [
        'display.layout: found a string \'wall\', expected "board" or "counter"'
    ]
    path = tmp_path / "counter.toml"
    path.write_text(counter_screen + 'counter = "1"\n', encoding="utf-8")
    config = load_config(path)
    assert (config.display.layout, config.display.counter) == ("counter", "1")
    assert config.audio.enabled is False  # the lobby's voice calls; this screen shows
    path.write_text(counter_screen + 'counter = "1"\n[audio]\nenabled = true\n', encoding="utf-8")
    assert load_config(path).audio.enabled is True
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_config(path).display.layout == "board" and load_config(path).audio.enabled
