"""``callboard doctor``: what works on this machine for this config, and what to fix."""

from __future__ import annotations

import glob
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from config.settings import Config
from mqtt_client.client import detect_protocol, new_client, protocol_for

if TYPE_CHECKING:
    from screen.cec import CecCtl

CONSOLEBLANK = Path("/sys/module/kernel/parameters/consoleblank")


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    detail: str


def check_broker(config: Config, timeout_s: float = 5.0) -> Finding:
    settings = config.mqtt
    where = f"{settings.host}:{settings.port}"
    answer: list[str] = []
    done = threading.Event()

    def on_connect(_c: object, _u: object, _f: object, reason: object, _p: object) -> None:
        answer.append(str(reason))
        done.set()

    try:  # a CA file that is not one fails here, as an unreachable broker does below
        detect_protocol(settings, timeout_s)  # which MQTT it speaks ("auto")
        client = new_client(settings, f"callboard-doctor-{os.getpid()}")
        client.on_connect = on_connect
        client.connect(settings.host, settings.port, 10)
    except (OSError, ValueError) as exc:
        return Finding(
            False,
            "broker",
            f"cannot reach {where} ({exc}); check [mqtt] host and "
            "port, the network, and that mosquitto runs (systemctl status mosquitto)",
        )
    client.loop_start()
    done.wait(timeout_s)
    client.disconnect()
    client.loop_stop()
    if not answer:
        return Finding(False, "broker", f"{where} did not answer within {timeout_s:.0f} s")
    if answer[0] != "Success":
        return Finding(
            False,
            "broker",
            f"{where} refused: {answer[0]}; check [mqtt] username, "
            "password_file and the broker's password file and ACL",
        )
    security = "TLS" if settings.tls else "no TLS"
    version = protocol_for(settings)
    return Finding(True, "broker", f"{where} accepts this device ({security}, MQTT {version})")


def check_fonts(config: Config) -> Finding:
    from display.fonts import find_fonts
    from lobby.errors import FontError

    try:
        fonts = find_fonts(config.display.font, config.display.theme.fonts)
    except FontError as exc:
        return Finding(False, "fonts", str(exc))
    return Finding(True, "fonts", f"{fonts.regular.path} (+{len(fonts.fallback)} fallbacks)")


def check_display() -> Finding:
    import pygame

    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
        sizes = pygame.display.get_desktop_sizes()
    except pygame.error as exc:
        cards = glob.glob("/dev/dri/card*")
        access = [c for c in cards if os.access(c, os.R_OK | os.W_OK)]
        hint = (
            "no /dev/dri/card*: enable the KMS driver (dtoverlay=vc4-kms-v3d)"
            if not cards
            else "add the user to the video and render groups"
            if not access
            else "stop any desktop or other program holding the screen"
        )
        return Finding(False, "display", f"no screen ({exc}); {hint}")
    finally:
        pygame.display.quit()
    return Finding(True, "display", f"SDL driver {driver}, screen {sizes[0] if sizes else '?'}")


def check_audio(config: Config) -> list[Finding]:
    import pygame

    findings = []
    try:
        pygame.mixer.init(frequency=22050, size=-16, channels=1)
        findings.append(Finding(True, "speaker", f"mixer open: {pygame.mixer.get_init()}"))
    except pygame.error as exc:
        findings.append(
            Finding(
                False,
                "speaker",
                f"no audio device ({exc}); check "
                "/etc/asound.conf (HDMI or jack) and the audio group",
            )
        )
    finally:
        pygame.mixer.quit()
    if config.audio.music is not None and config.audio.music_volume > 0:
        findings.append(check_music(config.audio.music))
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        findings.append(Finding(False, "voice", "espeak-ng is missing: sudo apt install espeak-ng"))
        return findings
    findings += [check_voice(config, language, espeak) for language in config.audio.languages]
    return findings


def check_music(folder: Path) -> Finding:
    """The music folder's files, each opened by the decoder the daemon uses."""
    import pygame

    from audio.music import SUFFIXES

    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    except OSError as exc:
        return Finding(False, "music", f"folder {folder}: {exc.strerror or exc}")
    if not files:
        return Finding(False, "music", f"folder {folder} has no {'/'.join(SUFFIXES)} files")
    broken = []
    try:
        pygame.mixer.init(frequency=22050, size=-16, channels=1)
    except pygame.error:
        return Finding(False, "music", f"{len(files)} file(s) in {folder}; no mixer to try them")
    try:
        for path in files:
            try:
                pygame.mixer.music.load(str(path))
                pygame.mixer.music.unload()
            except (pygame.error, OSError):
                broken.append(path.name)
    finally:
        pygame.mixer.quit()
    playable = len(files) - len(broken)
    if broken:
        named = ", ".join(broken[:3]) + (" …" if len(broken) > 3 else "")
        return Finding(
            False,
            "music",
            f"{playable} of {len(files)} file(s) in {folder} play; skipped: {named}",
        )
    return Finding(True, "music", f"{playable} file(s) in {folder} play")


def check_voice(config: Config, language: str, espeak: str) -> Finding:
    """The voice is there and reads a real sample (this config's wording, a ticket, the first
    counter) as its language: espeak-ng's phonemes switch to no other language."""
    from audio.reading import LANGUAGE_NAMES, misreading
    from audio.tts import TtsError
    from screen.voice import sample_words, voices, voices_fix

    voice = voices(config).get(language, language)
    name = LANGUAGE_NAMES.get(language, language)
    text, tokens = sample_words(config)[language]
    try:
        wrong = misreading(language, voice, tokens, espeak)
    except TtsError as exc:
        fault = f"{exc} (espeak-ng --voices lists the voices)"
        return Finding(False, f"voice {language}", f"{fault}; {voices_fix(config)}")
    if wrong:
        fault = f"espeak-ng voice {voice} {wrong}"
        return Finding(False, f"voice {language}", f"{fault}; {voices_fix(config)}")
    return Finding(True, f"voice {language}", f"espeak-ng voice {voice} reads “{text}” in {name}")


def check_voice_pack(config: Config) -> Finding:
    """The recorded clips: how many are there and fit to play (a pack still being recorded
    is fine: synthesis says the rest), and any that would be played badly or not at all."""
    from audio.voicepack import load_pack
    from screen.voice import pack_clips

    found = pack_clips(config)
    assert found is not None
    report = load_pack(*found)
    trouble = report.folder_problem or report.broken or report.flawed
    hint = "; callboard voice-pack check lists them" if report.broken or report.flawed else ""
    return Finding(not trouble, "voice pack", f"{report.summary()}{hint}")


def check_gpio(config: Config) -> Finding:
    from buttons.panel import ButtonPanel, CounterLights, make_pin_factory

    wired = [c for c in config.counters if c.button or c.recall_button or c.led]
    if not wired:
        return Finding(True, "gpio", "no buttons or LEDs configured")
    factory = make_pin_factory(config.buttons.pin_factory)
    panel, lights = ButtonPanel(config, lambda press: None, factory), CounterLights(config, factory)
    try:
        if not panel.open():
            return Finding(False, "gpio", panel.fault or "")
        if not lights.open():
            return Finding(False, "gpio", lights.fault or "")
    finally:
        panel.close()
        lights.close()
    return Finding(True, "gpio", f"{len(wired)} counters' pins claimed and released")


def check_printer(config: Config, timeout_s: float = 5.0) -> Finding:
    """The ticket machine's printer: there, and what it says of itself (paper, cover)."""
    from kiosk.printer_port import (
        PrinterAddress,
        close_quietly,
        fault_of,
        open_printer,
        read_status,
    )

    address = PrinterAddress.parse(config.kiosk.printer)
    device = None
    try:
        device = open_printer(address, config.kiosk.paper, timeout_s)
        status = read_status(device)
    except NotImplementedError:  # a file: nothing to ask
        return Finding(True, "printer", f"{address}: a file, written as tickets come")
    except Exception as exc:
        return Finding(False, "printer", f"{fault_of(exc, address)}; check its cable and power")
    finally:
        close_quietly(device)
    if status is None:
        return Finding(True, "printer", f"{address} takes bytes; it answers no status questions")
    if status.fault is not None:
        return Finding(False, "printer", f"{address}: {status.fault}")
    return Finding(True, "printer", f"{address}: ready, paper {status.paper}")


def check_console_blank(path: Path = CONSOLEBLANK) -> Finding:
    """The kernel blanks its console after ``consoleblank`` seconds without a key press, and
    a lobby board has no keyboard: only 0 keeps it on through the day."""
    try:
        seconds = path.read_text(encoding="ascii").strip()
    except OSError:
        return Finding(True, "console", f"no {path}: this kernel blanks no console")
    if seconds == "0":
        return Finding(True, "console", "the Linux console never blanks the board (consoleblank=0)")
    return Finding(
        False,
        "console",
        f"the Linux console blanks the board after {seconds} s without a key press; "
        "sudo bash systemd/install.sh sets consoleblank=0 in /boot/firmware/cmdline.txt "
        "(then reboot)",
    )


def check_tv_power(config: Config, cec: CecCtl | None = None) -> list[Finding]:
    """Which way of putting the TV to sleep works here: cec-ctl, the CEC device, the TV's
    answer. With "auto" a CEC that does not work is no fault (the board is blanked); with
    "cec" it is one."""
    from screen.cec import CecCtl

    display = config.display
    setting = display.tv_power
    if setting == "none" or config.hours.always:
        why = "no [hours] table: the lobby never closes" if setting != "none" else "none"
        return [Finding(True, "tv power", f"{why}; the TV is left as it is")]
    if setting == "blank":
        return [Finding(True, "tv power", "blank: a black frame outside the hours")]
    ctl = cec or CecCtl(display.cec_device)
    strict, instead = setting == "cec", "; the board is blanked instead"
    findings = [
        Finding(True, "cec-ctl", ctl.program)
        if ctl.program
        else Finding(not strict, "cec-ctl", f"not installed: sudo apt install v4l-utils{instead}")
    ]
    device = display.cec_device
    if os.path.exists(device):
        findings.append(Finding(True, "cec device", f"{device} is there"))
    else:
        others = ", ".join(sorted(glob.glob("/dev/cec*"))) or "no /dev/cec* at all"
        findings.append(
            Finding(
                not strict,
                "cec device",
                f"no {device} ({others}); a Pi has /dev/cec0 for the HDMI port next to its "
                f"power socket and /dev/cec1 for the other: set [display] cec_device{instead}",
            )
        )
    works = bool(ctl.program) and os.path.exists(device)
    if works:
        answer = ctl.claim()
        answer = ctl.power_status() if answer.ok else answer
        works = answer.ok
        detail = (
            f"the TV answers CEC: {answer.detail}"
            if answer.ok
            else f"{answer.detail}; switch CEC on in the TV's menu (Anynet+, SimpLink, "
            f"Bravia Sync, EasyLink…){instead}"
        )
        findings.append(Finding(answer.ok or not strict, "tv", detail))
    before, after = display.tv_on_before_min, display.tv_off_after_min
    how = (
        f"HDMI-CEC: standby {after} min after closing, on {before} min before opening"
        if works
        else "blanking (a black frame) outside the hours; CEC does not work here"
    )
    findings.append(Finding(works or not strict, "tv power", f"{setting}: {how}"))
    return findings


def run_checks(config: Config, out: Callable[[str], None] = print) -> int:
    findings = [check_broker(config), check_fonts(config), check_display()]
    findings += [check_console_blank(), *check_tv_power(config)]
    findings += check_audio(config) if config.audio.enabled else []
    if config.audio.enabled and config.audio.voice_pack is not None:
        findings.append(check_voice_pack(config))
    findings.append(check_gpio(config))
    if config.kiosk.printer:
        findings.append(check_printer(config))
    for finding in findings:
        out(f"{'ok ' if finding.ok else 'FIX'}  {finding.what:10} {finding.detail}")
    bad = sum(not f.ok for f in findings)
    out("all good" if not bad else f"{bad} thing(s) to fix")
    return 0 if not bad else 1
