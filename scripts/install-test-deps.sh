#!/usr/bin/env bash
# Installs what the browser tests need on a clean Debian/Ubuntu machine (CI): Chromium.
# Idempotent: does nothing when Chromium is already there. Exits non-zero when it cannot install.
# The tests find the browser through $CHROMIUM_PATH, default /usr/bin/chromium.
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

if found="$(find_chromium)"; then
  log "chromium already installed at ${found}: nothing to do"
  "${found}" --version 2>/dev/null || true
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "chromium is missing and apt-get is not available: install Chromium yourself and set CHROMIUM_PATH" >&2
  exit 1
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    log "not root and sudo is not available: cannot install chromium" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
log "chromium not found: running ${SUDO[*]:+${SUDO[*]} }apt-get update"
if ! "${SUDO[@]}" apt-get update; then
  log "apt-get update failed" >&2
  exit 1
fi
log "installing chromium (apt-get install -y --no-install-recommends chromium)"
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends chromium; then
  log "apt-get install chromium failed (on Ubuntu the 'chromium' package may be a snap stub; set CHROMIUM_PATH to a Chrome/Chromium binary instead)" >&2
  exit 1
fi

if found="$(find_chromium)"; then
  log "installed chromium at ${found}"
  "${found}" --version 2>/dev/null || true
  exit 0
fi
log "apt-get reported success but no chromium binary was found" >&2
exit 1
