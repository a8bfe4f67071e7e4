"""The audio output as the TV receives it: the real mixer writing every buffer it plays to a
file (SDL's disk driver), read back sample by sample.

A TV's HDMI audio that sleeps when the stream stops swallows the start of the next sound;
these check that the output runs without a break (keep-awake), that the chime is there
whole from its first sample, where it should be, and what a lead-in and wake noise add.
"""

from __future__ import annotations

import itertools
import subprocess
import time

import pygame
import pytest

from audio.chime import chime_pcm
from audio.music import DUCK_DOWN_S
from audio.pcm import RATE, samples, silence
from audio.player import CHIME, IDLE_S, NOISE_LSB, Player
from config.settings import AudioSettings
from tests.audio.output import BUFFER, STDIO_LAG, CapturePlayer, rms_db, use_disk_driver


def hold(player: Player, seconds: float) -> None:
    """Run the player's part of the daemon's loop for a while."""
    end = time.monotonic() + seconds
    while (now := time.monotonic()) < end:
        player.tick(now, 0.8)
        time.sleep(0.01)


def test_kept_awake_the_output_never_stops_and_the_chime_is_whole_from_its_first_sample(
    monkeypatch, tmp_path
) -> None:
    capture = use_disk_driver(monkeypatch, tmp_path / "out.raw")
    # (a release timer far shorter than the idle second: keep_awake holds the device anyway)
    player = CapturePlayer(capture, AudioSettings(), release_after_s=0.2)
    assert player.open(), player.fault
    opened = time.monotonic()
    try:
        hold(player, 1.0)  # a second of nothing: the output runs on, silent
        assert pygame.mixer.get_init() is not None
        assert player.begin(time.monotonic()) == 0.0  # awake: no lead-in is needed
        player.play(CHIME, chime_pcm(), 1.0)
        *_, written = player.clips[0]
        capture.wait(written + len(samples(chime_pcm())) + 4 * BUFFER)
        player.end(time.monotonic())
        hold(player, 0.3)
    finally:
        player.close()
    elapsed = time.monotonic() - opened
    out = capture.read()
    chime = samples(chime_pcm())
    start = next(i for i, value in enumerate(out) if value)
    start -= start % BUFFER  # the chime's first sample is 0 (its fade-in starts there)
    # Immediately: at the next mixing buffer after the call to play it (the file is written
    # through stdio in 4096-byte pieces, so it may show up to 2048 samples fewer than have
    # been played: 93 ms here, none on a sound card).
    assert written <= start <= written + STDIO_LAG + 2 * BUFFER, (written, start)
    assert out[start : start + len(chime)] == chime  # every sample, none cut
    assert not any(out[:start]) and not any(out[start + len(chime) :])
    # Without a break: the output played as many samples as time went by.
    assert 0.9 * elapsed * RATE < len(out) <= 1.02 * elapsed * RATE, (len(out), elapsed)


def test_a_released_output_is_opened_again_with_the_lead_in_before_the_chime(
    monkeypatch, tmp_path, caplog
) -> None:
    capture = use_disk_driver(monkeypatch, tmp_path / "out.raw")
    audio = AudioSettings(keep_awake=False, lead_in_s=0.6)
    player = CapturePlayer(capture, audio, release_after_s=0.2)
    assert player.open(), player.fault
    try:
        with caplog.at_level("INFO", logger="audio.player"):
            hold(player, 0.5)
        assert pygame.mixer.get_init() is None  # idle: the device is given back
        assert "output released while idle" in caplog.text
        lead = player.begin(time.monotonic())  # opened again: the file starts afresh
        assert lead == 0.6
        player.play(CHIME, silence(lead) + chime_pcm(), 1.0)
        *_, written = player.clips[0]
        chime = samples(chime_pcm())
        capture.wait(written + int(lead * RATE) + len(chime) + 4 * BUFFER)
        player.end(time.monotonic())
    finally:
        player.close()
    out = capture.read()
    first = next(i for i, value in enumerate(out) if value)
    at = first - (first - int(lead * RATE)) % BUFFER  # the clip starts on a buffer
    clip_at = at - int(lead * RATE)
    # The TV gets at least 0.6 s of running output first (more if the loop was slow to
    # play it after the device opened); the chime follows it, whole.
    assert clip_at >= 0 and written <= clip_at <= written + STDIO_LAG + 2 * BUFFER, (
        written,
        clip_at,
    )
    assert out[at : at + len(chime)] == chime
    assert not any(out[:at])


def test_wake_noise_keeps_the_output_off_digital_silence_far_below_hearing(
    monkeypatch, tmp_path
) -> None:
    capture = use_disk_driver(monkeypatch, tmp_path / "out.raw")
    player = CapturePlayer(capture, AudioSettings(wake_noise=True))
    assert player.open(), player.fault
    try:
        capture.wait(RATE)
    finally:
        player.close()
    out = capture.read()
    out = out[next(i for i, value in enumerate(out) if value) :]  # from the noise's start
    longest_zero_run = max(len(list(run)) for value, run in itertools.groupby(out) if not value)
    assert longest_zero_run < 16, longest_zero_run  # never a stretch of digital silence
    assert max(abs(v) for v in out) <= NOISE_LSB
    assert -84 < rms_db(out) < -76, rms_db(out)


def test_the_lead_in_comes_after_silence_not_between_calls_and_not_over_music() -> None:
    player = Player(AudioSettings(lead_in_s=0.5))
    assert player.open(), player.fault
    try:
        player.tick(100.0, 0.8)  # the output has been silent since here
        assert player.begin(100.0 + IDLE_S) == 0.5
        player.end(105.0)
        assert player.begin(105.5) == 0.0  # the next call of a backlog: still awake
        player.end(110.0)
        assert player.begin(110.0 + IDLE_S + 0.1) == 0.5
    finally:
        player.close()


def test_no_lead_in_over_music_the_fade_down_is_the_wait(tmp_path) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    tune = ["synth", "5", "sine", "440", "vol", "0.3"]
    subprocess.run(["sox", "-n", "-r", "22050", str(folder / "a.wav"), *tune], check=True)
    player = Player(AudioSettings(lead_in_s=0.5, music=folder))
    assert player.open(), player.fault
    try:
        player.tick(100.0, 0.8)
        assert player.music is not None and player.music.playing
        # The music keeps the output busy: after any silence, only its fade down is waited.
        assert player.begin(100.0 + IDLE_S + 1.0) == pytest.approx(DUCK_DOWN_S)
    finally:
        player.close()


@pytest.fixture(autouse=True)
def _no_mixer_left_open():
    yield
    pygame.mixer.quit()
