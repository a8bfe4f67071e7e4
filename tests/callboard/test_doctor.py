"""``callboard doctor`` as a technician runs it: real broker, real espeak-ng, dummy screen."""

from __future__ import annotations

import os
import re
from pathlib import Path

from callboard.doctor import check_console_blank, check_tv_power
from config import load_config
from tests.conftest import config_text, run_cli
from tests.screen.fake_cec import CLAIM, HOURS, FakeCecCtl

FIX_LINE = 'in [audio] write  voices = { zh = "cmn-latn-pinyin", en = "en" }'


def doctor(tmp_path: Path, text: str) -> tuple[int, dict[str, str]]:
    """Its exit code and its findings by name ("voice zh": "ok   ...")."""
    path = tmp_path / "callboard.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("doctor", "--config", str(path))
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stdout.splitlines() if line[:3] in ("ok ", "FIX")]
    return result.returncode, {line[5:16].strip(): line for line in lines}


def test_the_example_voices_read_mandarin_and_english(tmp_path, site, broker) -> None:
    code, found = doctor(tmp_path, config_text(site, broker.port))
    assert found["voice zh"] == (
        "ok   voice zh   espeak-ng voice cmn-latn-pinyin reads “请A023号客户到1号窗口办理业务” "
        "in Mandarin"
    )
    assert found["voice en"].startswith("ok   voice en   espeak-ng voice en reads “Customer A023")
    assert code == 0, found


def test_the_old_cmn_voice_is_a_fix_with_the_line_to_write(tmp_path, site, broker) -> None:
    text = config_text(site, broker.port).replace('zh = "cmn-latn-pinyin"', 'zh = "cmn"')
    code, found = doctor(tmp_path, text)
    assert found["voice zh"].startswith("FIX  voice zh   espeak-ng voice cmn reads 请, ")
    assert " in English (en); " in found["voice zh"] and found["voice zh"].endswith(FIX_LINE)
    assert found["voice en"].startswith("ok ")
    assert code == 1


def test_a_voice_that_is_not_there_is_a_fix(tmp_path, site, broker) -> None:
    text = config_text(site, broker.port).replace('en = "en" }\n', 'en = "xx-nope" }\n')
    code, found = doctor(tmp_path, text)
    assert "does not exist" in found["voice en"] and found["voice en"].endswith(FIX_LINE)
    assert found["voice zh"].startswith("ok ") and code == 1


def test_a_mandarin_template_said_by_an_english_voice_is_a_fix(tmp_path, site, broker) -> None:
    text = config_text(site, broker.port).replace('zh = "cmn-latn-pinyin"', 'zh = "en"')
    code, found = doctor(tmp_path, text)
    assert "without Mandarin tones" in found["voice zh"] and code == 1


def test_a_ticket_machines_printer_is_asked_how_it_is(tmp_path, site, broker) -> None:
    from tests.kiosk.fake_printer import FakeNetworkPrinter

    printer = FakeNetworkPrinter()
    try:
        base = config_text(site, broker.port).replace('printer = ""', f'printer = "{printer.uri}"')
        _, found = doctor(tmp_path, base)
        assert found["printer"] == f"ok   printer    {printer.uri}: ready, paper ok"
        printer.paper = "out"
        code, found = doctor(tmp_path, base)
        assert found["printer"].startswith("FIX  printer    ") and "paper out" in found["printer"]
        assert code == 1
    finally:
        printer.close()
    from callboard.demo.broker import free_port

    nobody = config_text(site, broker.port).replace(
        'printer = ""', f'printer = "tcp://127.0.0.1:{free_port()}"'
    )
    code, found = doctor(tmp_path, nobody)  # a printer switched off
    assert found["printer"].startswith("FIX  printer    ") and "refused" in found["printer"]


def tv_lobby(text: str, tv_power: str, device: object) -> str:
    """The lobby with opening hours and this way of putting its TV to sleep."""
    for key, value in (("tv_power", tv_power), ("cec_device", str(device))):
        text = re.sub(rf'^{key} = "[^"]*"', f'{key} = "{value}"', text, count=1, flags=re.M)
    return text + HOURS


def test_the_console_blanking_is_a_fix_unless_it_is_off(tmp_path: Path) -> None:
    blank = tmp_path / "consoleblank"
    blank.write_text("600\n")
    found = check_console_blank(blank)
    assert not found.ok and found.detail.startswith(
        "the Linux console blanks the board after 600 s without a key press; sudo bash "
        "systemd/install.sh sets consoleblank=0 in /boot/firmware/cmdline.txt"
    )
    blank.write_text("0\n")
    assert check_console_blank(blank).ok
    assert check_console_blank(tmp_path / "none").ok  # a kernel without a console


def tv_lines(tmp_path: Path, tv_power: str, fake: FakeCecCtl, device: object = None) -> list[str]:
    path = tmp_path / "tv.toml"
    path.write_text(tv_lobby(config_text("x", 1883), tv_power, device or fake.device))
    lines: list[str] = []
    for finding in check_tv_power(load_config(path)):
        lines.append(f"{'ok ' if finding.ok else 'FIX'}  {finding.what:10} {finding.detail}")
    return lines


def test_doctor_says_which_tv_power_works_here(tmp_path: Path, monkeypatch) -> None:
    fake = FakeCecCtl(tmp_path / "bin", tv="on")
    monkeypatch.setenv("PATH", fake.path)
    assert tv_lines(tmp_path, "auto", fake) == [
        f"ok   cec-ctl    {fake.folder / 'cec-ctl'}",
        f"ok   cec device {fake.device} is there",
        "ok   tv         the TV answers CEC: on",
        "ok   tv power   auto: HDMI-CEC: standby 30 min after closing, on 15 min before opening",
    ]
    assert fake.calls() == [CLAIM, "--to 0 --give-device-power-status"]
    fake.tv = "silent"  # CEC switched off in the TV's menu
    lines = tv_lines(tmp_path, "cec", fake)
    assert lines[2] == (
        "FIX  tv         the TV did not answer (is CEC switched on in the TV's menu?); switch "
        "CEC on in the TV's menu (Anynet+, SimpLink, Bravia Sync, EasyLink…); the board is "
        "blanked instead"
    )
    assert lines[3].startswith("FIX  tv power   cec: blanking (a black frame) outside the hours")
    auto = tv_lines(tmp_path, "auto", fake)  # "auto" blanks: nothing to fix
    assert all(line.startswith("ok ") for line in auto) and "blanking" in auto[3]
    missing = tv_lines(tmp_path, "cec", fake, device=tmp_path / "cec7")
    assert missing[1].startswith(f"FIX  cec device no {tmp_path / 'cec7'} (")
    assert "set [display] cec_device" in missing[1] and len(missing) == 3  # the TV not asked
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert tv_lines(tmp_path, "cec", fake)[0] == (
        "FIX  cec-ctl    not installed: sudo apt install v4l-utils; the board is blanked instead"
    )
    assert tv_lines(tmp_path, "blank", fake) == [
        "ok   tv power   blank: a black frame outside the hours"
    ]


def test_the_doctor_command_prints_the_tv_lines(tmp_path, site, broker) -> None:
    fake = FakeCecCtl(tmp_path / "bin", tv="standby")
    path = tmp_path / "callboard.toml"
    path.write_text(tv_lobby(config_text(site, broker.port), "auto", fake.device))
    result = run_cli("doctor", "--config", str(path), env={**os.environ, "PATH": fake.path})
    assert "ok   tv         the TV answers CEC: standby\n" in result.stdout, result.stdout
    assert "ok   console    " in result.stdout and result.returncode == 0, result.stdout
