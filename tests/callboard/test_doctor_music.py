"""``callboard doctor`` on the music folder: each file opened by the daemon's decoder."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.callboard.test_doctor import doctor
from tests.conftest import config_text


def with_music(tmp_path: Path, site: str, port: int, folder: Path) -> str:
    text = config_text(site, port)
    return text.replace("# music = ", f'music = "{folder}"\n# music = ', 1)


def test_music_files_that_play_are_counted_and_a_broken_one_is_named(
    tmp_path, site, broker
) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    tune = ["synth", "0.5", "sine", "440", "vol", "0.3"]
    subprocess.run(["sox", "-n", "-r", "44100", str(folder / "a.ogg"), *tune], check=True)
    _, found = doctor(tmp_path, with_music(tmp_path, site, broker.port, folder))
    assert found["music"] == f"ok   music      1 file(s) in {folder} play"
    (folder / "b.mp3").write_bytes(b"not music at all" * 100)
    code, found = doctor(tmp_path, with_music(tmp_path, site, broker.port, folder))
    assert found["music"] == f"FIX  music      1 of 2 file(s) in {folder} play; skipped: b.mp3"
    assert code == 1


def test_a_missing_music_folder_is_a_fix(tmp_path, site, broker) -> None:
    folder = tmp_path / "usb-stick"
    code, found = doctor(tmp_path, with_music(tmp_path, site, broker.port, folder))
    assert found["music"] == f"FIX  music      folder {folder}: No such file or directory"
    assert code == 1


def test_without_music_the_doctor_says_nothing_of_it(tmp_path, site, broker) -> None:
    _, found = doctor(tmp_path, config_text(site, broker.port))
    assert "music" not in found
