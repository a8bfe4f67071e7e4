"""``callboard voice-pack list|check`` as a branch's technician uses them, and the pack in
the config and in ``doctor``."""

from __future__ import annotations

import csv
import io
import random
import shutil
import sys
from datetime import datetime
from pathlib import Path

import pytest

from audio.announcer import spoken_parts
from audio.pcm import RATE, read_wav
from audio.voicepack import clip_specs, load_pack
from config import EXAMPLE, load_config
from lobby.contract import CallEvent
from lobby.errors import ConfigError
from screen.voice import needed_tokens, voices
from tests.conftest import config_text, run_cli
from tests.tone_pack import espeak_pack, make_pack, write_tone, write_wav


def call_of(ticket: str, counter: str) -> CallEvent:
    return CallEvent.parse(
        CallEvent("c-1", ticket, counter, "general", "call", datetime.now().astimezone()).payload()
    )


def example_with_pack(tmp_path: Path, folder: str = "voice") -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("[[audio.quiet]]", f'voice_pack = "{folder}"\n\n[[audio.quiet]]', 1)
    path = tmp_path / "callboard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def all_specs():
    config = load_config(EXAMPLE)
    return clip_specs(config, needed_tokens(config))


def test_list_prints_every_clip_of_the_example_in_the_order_a_person_records_them() -> None:
    result = run_cli("voice-pack", "list", "--config", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "zh-phrase-请\tzh\t请",
        "zh-phrase-号客户到\tzh\t号客户到",
        "zh-phrase-办理业务\tzh\t办理业务",
        "zh-phrase-让您久等了\tzh\t让您久等了",  # the apology (apology_after_s is set)
        "zh-letter-A\tzh\tA",
    ]
    for line in (
        "zh-digit-0\tzh\t零",
        "zh-digit-3\tzh\t三",
        "zh-counter-3\tzh\t3号窗口",
        "zh-counter-5\tzh\t5号申诉窗口",
        "en-phrase-customer\ten\tCustomer",
        "en-phrase-please-go-to\ten\tplease go to",
        "en-phrase-thank-you-for-waiting\ten\tThank you for waiting",
        "en-letter-V\ten\tV",
        "en-digit-0\ten\tzero",
        "en-counter-1\ten\tcounter 1",
        "en-counter-3\ten\tCounter 3",
    ):
        assert line in lines
    names = [line.split("\t")[0] for line in lines]
    assert len(lines) == 49 and len(set(names)) == 49
    zh = [n for n in names if n.startswith("zh-")]
    assert names[: len(zh)] == zh  # Mandarin first, as the voice speaks it
    kinds = [n.split("-")[1] for n in zh]
    assert kinds == sorted(kinds, key=["phrase", "letter", "digit", "counter"].index)
    assert [n for n in zh if "digit" in n] == [f"zh-digit-{d}" for d in range(10)]


def test_a_cantonese_branch_records_its_numbers_apology_and_oh_as_their_own_clips(
    tmp_path: Path,
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace(
        'languages = ["zh", "en"]    # spoken', 'languages = ["yue", "zh", "en"]    # spoken', 1
    ).replace('zero = "zero"', 'zero = "oh"', 1)
    path = tmp_path / "yue.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("voice-pack", "list", "--config", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "yue-phrase-请\tyue\t请"  # Cantonese first, as it is spoken
    for line in (
        "yue-phrase-多谢您耐心等候\tyue\t多谢您耐心等候",  # yue's own apology
        "yue-digit-0\tyue\t零",
        "yue-digit-2\tyue\t二",
        "yue-counter-3\tyue\t3号窗口",
        "en-digit-0-oh\ten\toh",  # not en-digit-0: a pack keeps "zero" and "oh" apart
    ):
        assert line in lines
    assert not any(line.startswith("yue-phrase-") and line.endswith("\t三") for line in lines)


def test_names_stay_when_other_things_in_the_config_change() -> None:
    config = load_config(EXAMPLE)
    before = {s.text: s.name for s in clip_specs(config, needed_tokens(config))}
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('name = { zh = "2号窗口", en = "Counter 2" }', 'name = "Counter 22"')
    text = text.replace('prefix = "C"', 'prefix = "K"')
    text += '\n[[counters]]\nid = "0"\nservices = ["general"]\nname = "Counter 0"\n'
    text = text.replace('id = "general"', 'id = "general2"').replace('"general"', '"general2"')
    changed = load_config_text(text)
    after = {s.text: s.name for s in clip_specs(changed, needed_tokens(changed))}
    kept = set(before) & set(after)
    assert len(kept) >= 38
    assert all(before[text] == after[text] for text in kept)
    assert after["Counter 22"] == "en-counter-2"  # the counter's own clip, to record again


def load_config_text(text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.toml"
        path.write_text(text, encoding="utf-8")
        return load_config(path)


def test_list_missing_and_the_studios_script(tmp_path: Path) -> None:
    path = example_with_pack(tmp_path)
    specs = all_specs()
    make_pack(tmp_path / "voice", [s for s in specs if s.language == "zh"])
    result = run_cli("voice-pack", "list", "--config", str(path), "--missing")
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        s.name for s in specs if s.language == "en"
    ]
    script = run_cli("voice-pack", "list", "--config", str(path), "--csv")
    rows = list(csv.reader(io.StringIO(script.stdout)))
    assert rows[0] == ["file", "language", "text", "where it is heard"]
    assert rows[1] == ["zh-phrase-请.wav", "zh", "请", "in “请{ticket}号客户到{counter}办理业务”"]
    assert ["en-counter-3.wav", "en", "Counter 3", "counter 3's name as called"] in rows


def broken_pack(folder: Path) -> None:
    """A whole pack, then one clip of each kind of mistake."""
    make_pack(folder, all_specs(), skip={"zh-digit-4"})
    write_tone(folder / "zh-digt-4.wav", 500)  # a misspelt name
    write_tone(folder / "zh-digit-5.wav", 500, peak_dbfs=-58)
    write_tone(folder / "zh-digit-6.wav", 500, peak_dbfs=+6)  # the recorder overdriven
    rng = random.Random(6)
    hiss = [rng.gauss(0, 0.05) for _ in range(RATE * 2)]
    write_tone(folder / "zh-digit-7.wav", 500, peak_dbfs=-12, extra=hiss)
    write_tone(folder / "zh-digit-8.wav", 500, seconds=6.5)
    (folder / "zh-digit-9.wav").write_text("not a sound\n")
    write_wav(folder / "zh-digit-1.wav", [0.0] * RATE, RATE)


def test_check_says_what_is_wrong_with_each_clip_one_line_each(tmp_path: Path) -> None:
    path = example_with_pack(tmp_path)
    broken_pack(tmp_path / "voice")
    result = run_cli("voice-pack", "check", "--config", str(path))
    assert result.returncode == 1 and not result.stderr, result.stderr
    lines = result.stdout.splitlines()
    problems = [line for line in lines if ": note: " not in line]
    assert problems[:-1] == [
        "zh-digit-1.wav: no speech in it (silence); speech synthesis says it instead",
        "zh-digit-4.wav: missing: record “四” (zh, a digit of a ticket number)",
        "zh-digit-5.wav: too quiet: the voice at -61.8 dBFS (at least -40): record closer to "
        "the microphone or with more input level",
        "zh-digit-6.wav: clipped in 294 place(s) (the recording hit full scale): record with "
        "less input level",
        "zh-digit-7.wav: noisy: the room only 7 dB below the voice (at least 25 dB): record "
        "in a quiet room",
        "zh-digit-8.wav: too long: 6.6 s of sound (at most 5 s: one word or phrase a clip); "
        "speech synthesis says it instead",
        "zh-digit-9.wav: not a WAV file; speech synthesis says it instead",
    ]
    assert problems[-1] == (
        f"{tmp_path / 'voice'}: 45 of 49 clips ready, 1 missing, 3 unusable, 3 to improve; "
        "speech synthesis says the rest"
    )
    notes = [line for line in lines if ": note: " in line]
    assert "zh-phrase-办理业务.wav: note: 44100 Hz stereo 24-bit, converted at load" in notes
    assert notes[-1] == ("zh-digt-4.wav: note: not a clip this config needs; is it zh-digit-4.wav?")


def test_a_good_pack_checks_clean_and_can_be_checked_before_it_is_installed(
    tmp_path: Path,
) -> None:
    make_pack(tmp_path / "new-voice", all_specs())
    result = run_cli(
        "voice-pack", "check", "--config", str(EXAMPLE), "--pack", str(tmp_path / "new-voice")
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == f"{tmp_path / 'new-voice'}: 49 of 49 clips ready"
    nothing = run_cli("voice-pack", "check", "--config", str(EXAMPLE))
    assert nothing.returncode == 2
    assert nothing.stderr == "no voice pack: set [audio] voice_pack in the config, or give --pack\n"


def test_without_sox_a_clip_in_another_format_is_named_and_the_rest_are_used(
    tmp_path: Path,
) -> None:
    path = example_with_pack(tmp_path)
    make_pack(tmp_path / "voice", all_specs())
    bare = tmp_path / "bin"  # a PATH with python but no sox
    bare.mkdir()
    (bare / "python3").symlink_to(sys.executable)
    result = run_cli("voice-pack", "check", "--config", str(path), env={"PATH": str(bare)})
    assert result.returncode == 1
    assert (
        "zh-phrase-办理业务.wav: 44100 Hz stereo 24-bit: needs sox to convert "
        "(sudo apt install sox), or save it as mono 16-bit 22050 Hz; speech synthesis says "
        "it instead"
    ) in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].endswith("33 of 49 clips ready, 16 unusable; "
                                                   "speech synthesis says the rest")  # fmt: skip
    assert shutil.which("sox"), "the other tests need sox: scripts/dev.sh installs it"


def test_the_config_takes_a_folder_beside_it_and_refuses_a_file(tmp_path: Path) -> None:
    path = example_with_pack(tmp_path, "voice")
    assert load_config(path).audio.voice_pack == tmp_path / "voice"  # need not exist yet
    (tmp_path / "voice").write_text("")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert refused.value.problems == [
        f"audio.voice_pack: found a string '{tmp_path / 'voice'}', expected a folder of "
        "recorded WAV clips, but it is a file"
    ]


def test_doctor_counts_the_clips_and_sends_a_broken_pack_to_check(tmp_path, site, broker):
    folder = tmp_path / "voice"
    make_pack(folder, [s for s in all_specs() if s.language == "zh"])
    text = config_text(site, broker.port)
    text = text.replace("[[audio.quiet]]", 'voice_pack = "voice"\n\n[[audio.quiet]]', 1)
    path = tmp_path / "callboard.toml"
    path.write_text(text, encoding="utf-8")
    found = run_cli("doctor", "--config", str(path)).stdout.splitlines()
    assert f"ok   voice pack {folder}: 25 of 49 clips ready, 24 missing; speech synthesis " \
        "says the rest" in found  # fmt: skip
    (folder / "zh-digit-9.wav").write_text("not a sound\n")
    found = run_cli("doctor", "--config", str(path))
    assert found.returncode == 1
    assert (
        f"FIX  voice pack {folder}: 24 of 49 clips ready, 24 missing, 1 unusable; speech "
        "synthesis says the rest; callboard voice-pack check lists them"
    ) in found.stdout.splitlines()


def test_say_speaks_with_the_packs_recorded_speech(tmp_path: Path) -> None:
    """A pack of real speech (espeak-ng at pitch 90, as another person's voice): every word
    of the announcement is its clip's own samples, as loaded."""
    path = example_with_pack(tmp_path)
    config = load_config(path)
    specs = all_specs()
    espeak_pack(tmp_path / "voice", specs, voices(config))
    result = run_cli("say", "--config", str(path), "--ticket", "C105", "--counter", "5",
                     "--out", str(tmp_path / "c105.wav"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    heard = read_wav(tmp_path / "c105.wav")
    loaded = load_pack(tmp_path / "voice", specs).usable()
    tokens = [(p.language, t) for p in spoken_parts(config, call_of("C105", "5")) for t in p.tokens]
    assert len(tokens) >= 12
    for language, token in tokens[1:]:  # the first sounds over the chime
        clip = loaded[(language, token)]
        middle = clip[len(clip) // 2 - 882 : len(clip) // 2 + 882]  # 40 ms of it
        assert heard.count(middle) == 2, (language, token)  # said twice
