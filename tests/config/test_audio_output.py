"""[audio]'s output and music keys: read as documented, each mistake one line, all at once."""

from __future__ import annotations

from pathlib import Path

from config import EXAMPLE, load_config
from tests.config.test_loader import MINIMAL, problems_of


def test_the_example_keeps_the_output_awake_and_plays_no_music_until_given_a_folder(
    tmp_path: Path,
) -> None:
    audio = load_config(EXAMPLE).audio
    assert (audio.keep_awake, audio.wake_noise, audio.lead_in_s) == (True, False, 0.0)
    assert audio.music is None and (audio.music_volume, audio.music_duck) == (0.15, 0.25)
    path = tmp_path / "c.toml"
    keys = 'keep_awake = false\nlead_in_s = 0.6\nmusic = "music"\nmusic_order = "folder"\n'
    path.write_text(MINIMAL + "[audio]\n" + keys, encoding="utf-8")
    audio = load_config(path).audio
    assert (audio.keep_awake, audio.lead_in_s, audio.music_order) == (False, 0.6, "folder")
    assert audio.music == tmp_path / "music"  # beside the config file, like its other paths


def test_every_mistake_in_the_output_keys_is_one_line_reported_together(tmp_path: Path) -> None:
    keys = (
        'keep_awake = "yes"\nwake_noise = 1\nlead_in_s = 5\nmusic = 3\n'
        'music_volume = 1.5\nmusic_order = "random"\nmusic_duck = -0.1\n'
    )
    problems = problems_of(tmp_path, MINIMAL + "[audio]\n" + keys)
    assert sorted(problems) == sorted(
        [
            "audio.keep_awake: found a string 'yes', expected true or false",
            "audio.wake_noise: found an integer 1, expected true or false",
            "audio.lead_in_s: found an integer 5, expected a number from 0.0 to 3.0",
            "audio.music: found an integer 3, expected a file path",
            "audio.music_volume: found a number 1.5, expected a number from 0.0 to 1.0",
            'audio.music_order: found a string \'random\', expected "shuffle" or "folder"',
            "audio.music_duck: found a number -0.1, expected a number from 0.0 to 1.0",
        ]
    ), problems
