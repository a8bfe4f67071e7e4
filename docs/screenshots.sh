#!/usr/bin/env bash
# Draws the screenshots in docs/ with `callboard render` (run from the repo after set-up).
set -euo pipefail
cd "$(dirname "$0")/.."
cb=.venv/bin/callboard
args=(--board docs/examples/board.json --notice docs/examples/notice.json --time 2026-11-25T10:15)
$cb render --config config/lobby.toml "${args[@]}" --size 1920x1080 --out docs/board-1080p.png
$cb render --config config/lobby.toml "${args[@]}" --size 1280x720 --out docs/board-720p.png
$cb render --config config/lobby.toml "${args[@]}" --size 3840x2160 --out docs/board-4k.png
$cb render --config config/lobby.toml "${args[@]}" --size 1080x1920 --out docs/board-portrait.png
$cb render --config config/lobby.toml "${args[@]}" --size 1920x360 --out docs/board-bar.png
$cb render --config config/lobby.toml --board docs/examples/board.json --time 2026-11-25T10:15 \
    --size 1920x1080 --offline --out docs/board-offline.png
sed 's|theme = "default"|theme = "themes/branch.toml"|' config/lobby.toml > config/.branch-demo.toml
$cb render --config config/.branch-demo.toml "${args[@]}" --size 1920x1080 --out docs/board-branch-theme.png
rm config/.branch-demo.toml
# A board for part of the hall: the cashier and complaints counters on the second floor.
sed 's|^\[display\]$|[display]\ncounters = ["5", "6"]\narea = { zh = "二楼 出纳与申诉", en = "Floor 2: Cashier \& Complaints" }|' \
    config/lobby.toml > config/.area-demo.toml
$cb render --config config/.area-demo.toml "${args[@]}" --size 1920x1080 --out docs/board-area.png
$cb render --config config/.area-demo.toml "${args[@]}" --size 1280x720 --out docs/board-area-720p.png
rm config/.area-demo.toml

# The closed page: the example's [hours] (commented out there) made real, at 19:30.
{ cat config/lobby.toml; sed -n '/^# \[hours\]/,/^# closing_minutes/s/^# //p' config/lobby.toml; } \
    > config/.hours-demo.toml
closed=(--board docs/examples/board.json --notice docs/examples/notice.json --time 2026-11-25T19:30)
for shape in 1080p:1920x1080 720p:1280x720 portrait:1080x1920 bar:1920x360; do
    $cb render --config config/.hours-demo.toml "${closed[@]}" --size "${shape#*:}" \
        --out "docs/board-closed-${shape%%:*}.png"
done
rm config/.hours-demo.toml
# The ticket machine: a portrait touch screen and a landscape one (buttons, ticket, refusal).
$cb kiosk --config config/lobby.toml --screens docs --size 1080x1920 --time 2026-11-25T10:15
$cb kiosk --config config/lobby.toml --screens docs --size 1280x800 --time 2026-11-25T10:15
# The web console: a staged lobby photographed by headless chromium (1366x768 and a phone).
.venv/bin/python -m tests.console.screenshots docs
.venv/bin/python -m tests.console.network_stage docs    # the Network page, on a staged centre
# The screen above counter 3: the Pi's touch display, 1024x600, 720p and a bar; its states.
counter=(--config config/lobby.toml --layout counter --counter 3 --time 2026-11-25T10:15)
serving=(--state docs/examples/counter-serving.json)
$cb render "${counter[@]}" "${serving[@]}" --size 800x480 --out docs/counter-800x480.png
$cb render "${counter[@]}" "${serving[@]}" --flash recall --size 1024x600 --out docs/counter-1024x600.png
$cb render "${counter[@]}" "${serving[@]}" --rating 3 --size 1280x720 --out docs/counter-1280x720.png
$cb render "${counter[@]}" "${serving[@]}" --size 1920x360 --out docs/counter-bar.png
$cb render "${counter[@]}" --state docs/examples/counter-paused.json --size 800x480 --out docs/counter-closed.png
$cb render "${counter[@]}" --size 800x480 --out docs/counter-idle.png
$cb render "${counter[@]}" "${serving[@]}" --rating 5 --size 800x480 --out docs/counter-rating5.png
$cb render "${counter[@]}" "${serving[@]}" --rating 3 --size 1920x360 --out docs/counter-bar-rating.png
$cb render "${counter[@]}" --thanks --size 800x480 --out docs/counter-thanks.png
