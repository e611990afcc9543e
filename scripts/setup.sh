#!/usr/bin/env bash
# Installs what the project needs and is missing: Debian packages (with apt, through sudo when
# not root) and npm packages. Safe to run again: it only acts on what is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# --- Node.js ---------------------------------------------------------------------------------
need_node="20.19.0"
if ! command -v node >/dev/null 2>&1; then
  say "Node.js is not installed. Install Node.js ${need_node} or newer (22 LTS recommended):"
  say "  https://nodejs.org/en/download  (or: apt-get install nodejs npm on Debian 13 / Ubuntu 24.04+)"
  exit 1
fi
if ! node -e "const [a,b]=process.versions.node.split('.').map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)"; then
  say "Node.js $(node --version) is too old: this project needs ${need_node} or newer."
  exit 1
fi

# --- Debian packages ---------------------------------------------------------------------------
# command -> package. ffmpeg: decode, loudness, playback sinks. socat: pseudo-terminal pairs for
# the serial device simulators. cdrdao + cuetools: CD image checks. chromium: the browser shell
# and the Playwright e2e suite. espeak-ng + sox: spoken titles and audio checks in the demo
# catalog. pdftoppm, pdftotext (poppler-utils), zbarimg (zbar-tools): checks of the printed
# inserts and labels (page size, text, QR code). rsync: the reference of the content-sync bench. A C++ toolchain builds better-sqlite3.
declare -A pkg_for=(
  [ffmpeg]=ffmpeg [ffprobe]=ffmpeg [socat]=socat [cdrdao]=cdrdao [cueprint]=cuetools
  [espeak-ng]=espeak-ng [sox]=sox [pdftoppm]=poppler-utils [pdftotext]=poppler-utils [zbarimg]=zbar-tools
  [rsync]=rsync
  [make]=make [g++]=g++ [python3]=python3
)
missing=()
for cmd in "${!pkg_for[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${pkg_for[$cmd]}")
done
# Debian's package installs /usr/bin/chromium; elsewhere a chromium-browser binary will do (the
# e2e suite reads CHROMIUM_PATH, see README).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  missing+=(chromium)
fi
# The fonts the cover art (and later the printed inserts) are drawn with.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then missing+=(fonts-dejavu-core); fi
if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  # Ubuntu's apt name for it is chromium-browser (a snap wrapper: it needs snapd).
  if grep -qi ubuntu /etc/os-release 2>/dev/null; then
    missing=("${missing[@]/#chromium/chromium-browser}")
  fi
  say "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(false); fi
  if [ "${SUDO[0]:-}" = false ] || ! command -v apt-get >/dev/null 2>&1; then
    say "cannot install packages here (no apt-get, or not root and no sudo). Run as root:"
    say "  apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; }; then
    say "apt-get failed. Run this yourself, then try again:"
    say "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

# --- npm packages ------------------------------------------------------------------------------
# Reinstall when package-lock.json changed since the last install (stamp in node_modules).
# npm ci empties node_modules first: the lock keeps a second `npm test` or `npm run demo` in the
# same checkout from running against a half-installed tree. The stamp is written last, so an
# interrupted install is redone next time.
stamp=node_modules/.jukebox-install-stamp
lockhash=$(sha256sum package-lock.json | cut -d' ' -f1)
exec 9>.npm-install.lock
flock 9
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lockhash" ]; then
  say "installing npm packages (npm ci)"
  # The Electron binary is never downloaded: boxes get packaged builds, and tests use the
  # browser shell. better-sqlite3 compiles from source when no prebuilt binary can be fetched.
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  echo "$lockhash" >"$stamp"
fi
flock -u 9
