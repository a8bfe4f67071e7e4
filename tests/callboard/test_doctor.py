"""``callboard doctor`` as a technician runs it: real broker, real espeak-ng, dummy screen."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import config_text, run_cli

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
