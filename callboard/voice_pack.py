"""``callboard voice-pack list|check``: what a branch records for its voice, and whether
what it recorded is fit to play."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.settings import Config

if TYPE_CHECKING:
    from audio.voicepack import ClipSpec

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def add_parser(sub: Any, command: Callable[[argparse.Namespace], int]) -> None:
    pack = sub.add_parser(
        "voice-pack",
        help="the recorded voice: list the clips to record, check a folder of them",
        description="Clips are <name>.wav files in [audio] voice_pack (or --pack): mono "
        "16-bit WAV at any rate (sox converts others), one word or phrase each.",
    )
    pack.add_argument("verb", choices=("list", "check"))
    pack.add_argument("--config", type=Path, required=True)
    pack.add_argument(
        "--pack", type=Path, help="the folder of clips (default: the config's [audio] voice_pack)"
    )
    pack.add_argument(
        "--missing", action="store_true", help="list: only the clips not in the folder yet"
    )
    pack.add_argument(
        "--csv",
        action="store_true",
        help="list: a recording script for a studio (file, language, text, where it is heard)",
    )
    pack.set_defaults(func=command)


def run(config: Config, args: argparse.Namespace) -> int:
    from audio.voicepack import clip_specs, load_pack
    from screen.voice import needed_tokens

    specs = clip_specs(config, needed_tokens(config))
    folder = args.pack or config.audio.voice_pack
    if args.verb == "list":
        if args.missing:
            if folder is None:
                return _usage("--missing needs a folder: [audio] voice_pack or --pack")
            report = load_pack(folder, [])  # names only: which files are there
            if report.folder_problem:
                return _usage(f"{folder}: {report.folder_problem}")
            present = _present(folder, specs)
            specs = [spec for spec in specs if spec.name not in present]
        try:
            _print_list(specs, args.csv)
        except BrokenPipeError:  # `| head`: the reader has what it wanted
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes it at exit
        return 0
    if folder is None:
        return _usage("no voice pack: set [audio] voice_pack in the config, or give --pack")
    return check(folder, specs)


def _usage(line: str) -> int:
    print(line, file=sys.stderr)
    return EXIT_USAGE


def _present(folder: Path, specs: list[ClipSpec]) -> set[str]:
    from audio.voicepack import find_file, wav_files

    files = wav_files(folder)
    return {spec.name for spec in specs if find_file(spec.name, files) is not None}


def _print_list(specs: list[ClipSpec], as_csv: bool) -> None:
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["file", "language", "text", "where it is heard"])
        for spec in specs:
            writer.writerow([f"{spec.name}.wav", spec.language, spec.text, spec.note])
        return
    for spec in specs:
        print(f"{spec.name}\t{spec.language}\t{spec.text}")


def check(folder: Path, specs: list[ClipSpec]) -> int:
    """Every problem and note, one line each, then a summary; exit 1 if anything needed is
    missing or wrong."""
    from audio.voicepack import load_pack

    report = load_pack(folder, specs)
    for line in report.lines():
        print(line)
    print(report.summary())
    if report.folder_problem:
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if report.problems else 0
