#!/usr/bin/env bash
# `npm run demo`: installs what is missing, builds, generates the demo catalog (once) and
# starts a jukebox in the browser shell with the money simulator panel. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[demo] building" >&2
npm run build --silent
exec node scripts/demo.mjs "$@"
