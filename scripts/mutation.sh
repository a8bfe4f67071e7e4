#!/usr/bin/env bash
# Mutation testing of the pure domain: every mutant mutmut makes of lobby/ is run against
# tests/lobby/ (pyproject.toml's [tool.mutmut]); what survives is a rule no test pins down,
# unless it is one of the kinds that cannot change behaviour (every survivor left when this
# was written was one): False -> None for a flag only tested for truth (required=, last=,
# zero_gap, ensure_ascii); a keyword dropped where its default is the same value; the spelling of
# the default reading "digits" (any reading but "whole" is by digit); a step of 2 for the
# queue's order counters (only their order counts); out = [...] for out += [...] on an
# empty list; the message of a ValueError json.loads turns into "not valid JSON"; "UTF-8"
# for "utf-8"; a value stored where only keys are read; "XXaeiouXX" for "aeiou" when
# one character is looked up in it. On 2026-11-28: 2,036 of 2,075 killed, the 39 left all
# of those kinds.
# Not in CI (about four minutes with --max-children 2). Then:
#   .venv/bin/mutmut results            the survivors
#   .venv/bin/mutmut show <name>        one survivor's diff
#
#   bash scripts/mutation.sh [--max-children N]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "run: bash scripts/dev.sh test   (it makes .venv)" >&2; exit 1; }
.venv/bin/python -m pip install --quiet --disable-pip-version-check "mutmut>=3.8,<4"
rm -rf mutants
export CALLBOARD_HYPOTHESIS=mutation
.venv/bin/mutmut run "$@" || true
.venv/bin/python - <<'PY'
import json, pathlib, re, subprocess
out = subprocess.run([".venv/bin/mutmut", "results", "--all", "true"], capture_output=True, text=True).stdout
counts = {}
for line in out.splitlines():
    match = re.match(r"\s*(\S+): (.+)$", line)
    if match:
        counts[match.group(2)] = counts.get(match.group(2), 0) + 1
total = sum(counts.values())
killed = counts.get("killed", 0)
print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
if total:
    print(f"mutation score: {killed}/{total} = {100 * killed / total:.1f} % of all mutants")
PY
