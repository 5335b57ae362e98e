#!/usr/bin/env bash
# Installs the programs the tests use on a clean Debian/Ubuntu machine (CI), from Debian's packages:
#   chromium  the gallery and browser tests (found through $CHROMIUM_PATH, default /usr/bin/chromium)
#   ffmpeg    ffprobe checks that the emulator's padded MP4s still decode
#   openssl   makes a throwaway certificate for the https → http redirect test
# Idempotent: installs only what is missing. Exits non-zero when it cannot install.
set -euo pipefail

log() { printf 'install-test-deps: %s\n' "$*"; }

find_chromium() {
  if [[ -n "${CHROMIUM_PATH:-}" && -x "${CHROMIUM_PATH}" ]]; then
    printf '%s\n' "${CHROMIUM_PATH}"
    return 0
  fi
  if [[ -x /usr/bin/chromium ]]; then
    printf '%s\n' /usr/bin/chromium
    return 0
  fi
  command -v chromium 2>/dev/null && return 0
  return 1
}

missing=()
find_chromium >/dev/null || missing+=(chromium)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [[ ${#missing[@]} -eq 0 ]]; then
  log "chromium, ffprobe and openssl already installed: nothing to do"
  "$(find_chromium)" --version 2>/dev/null || true
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "missing ${missing[*]} and apt-get is not available: install them yourself (set CHROMIUM_PATH for a browser elsewhere)" >&2
  exit 1
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    log "not root and sudo is not available: cannot install ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
log "missing ${missing[*]}: running ${SUDO[*]:+${SUDO[*]} }apt-get update"
if ! "${SUDO[@]}" apt-get update; then
  log "apt-get update failed" >&2
  exit 1
fi
log "installing ${missing[*]} (apt-get install -y --no-install-recommends)"
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  log "apt-get install ${missing[*]} failed (on Ubuntu the 'chromium' package may be a snap stub; set CHROMIUM_PATH to a Chrome/Chromium binary instead)" >&2
  exit 1
fi

if ! found="$(find_chromium)"; then
  log "apt-get reported success but no chromium binary was found" >&2
  exit 1
fi
log "chromium at ${found}"
"${found}" --version 2>/dev/null || true
command -v ffprobe >/dev/null 2>&1 || { log "no ffprobe after installing ffmpeg" >&2; exit 1; }
command -v openssl >/dev/null 2>&1 || { log "no openssl after installing it" >&2; exit 1; }
