"""scripts/dev.sh: once set up, ``demo`` and ``test`` run offline, with no apt and no pip.

The script runs for real in a copy of the repository whose .venv holds stand-ins that
record how they were called; apt-get and sudo on PATH record and fail, and pip's index is
a closed port: nothing may reach a registry once the environment is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDER = '#!/bin/sh\necho "{name} $*" >> "$DEV_LOG"\n'


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "dev.sh", repo / "scripts" / "dev.sh")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    venv = repo / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name in ("python", "callboard", "ruff"):
        (venv / name).write_text(RECORDER.format(name=name))
        (venv / name).chmod(0o755)
    no_apt = tmp_path / "bin"
    no_apt.mkdir()
    for name in ("apt-get", "sudo"):
        (no_apt / name).write_text(RECORDER.format(name=name) + "exit 1\n")
        (no_apt / name).chmod(0o755)
    return repo


def dev(repo: Path, command: str) -> list[str]:
    """Run ``bash scripts/dev.sh COMMAND``; the calls it made, one line each."""
    log = repo.parent / "calls.log"
    log.write_text("")
    env = {
        **os.environ,
        "PATH": f"{repo.parent / 'bin'}:{os.environ['PATH']}",
        "DEV_LOG": str(log),
        "PIP_INDEX_URL": "http://127.0.0.1:9/",  # a closed port: no registry reachable
    }
    result = subprocess.run(
        ["bash", str(repo / "scripts" / "dev.sh"), command],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return log.read_text().splitlines()


def pip_calls(calls: list[str]) -> list[str]:
    return [call for call in calls if call.startswith("python -m pip")]


def test_pip_runs_once_until_pyproject_changes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    first = dev(repo, "demo")
    assert pip_calls(first)[-1] == "python -m pip install --quiet --disable-pip-version-check -e ."
    assert first[-1] == "callboard demo"
    again = dev(repo, "demo")
    assert pip_calls(again) == [] and again[-1] == "callboard demo"
    assert not any(call.startswith(("apt-get", "sudo")) for call in first + again)
    with (repo / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n# a new dependency would go here\n")
    assert pip_calls(dev(repo, "demo")) != []
    assert pip_calls(dev(repo, "demo")) == []


def test_the_test_extras_are_installed_once_and_serve_the_demo_too(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    dev(repo, "demo")
    tests = dev(repo, "test")  # the demo's install lacks pytest: pip once more
    assert pip_calls(tests)[-1].endswith("-e .[test]")
    assert tests[-1] == "python -m pytest"
    assert pip_calls(dev(repo, "test")) == []
    assert pip_calls(dev(repo, "demo")) == []


def test_a_broken_environment_is_installed_again(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    dev(repo, "demo")
    python = repo / ".venv" / "bin" / "python"
    # A python that cannot import callboard any more (an interpreter upgrade, a moved repo).
    python.write_text(python.read_text().replace("\n", '\n[ "$1" = -c ] && exit 1\n', 1))
    assert pip_calls(dev(repo, "demo")) != []
