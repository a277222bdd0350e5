#!/usr/bin/env bash
# Everything `npm start` and `npm test` need on a fresh Debian machine, installed only when
# missing (a no-op of about a second otherwise): Debian's chromium, libkrb5-dev, ripgrep and
# libimage-exiftool-perl (exiftool, the independent reader of the images' metadata in the tests),
# the npm packages of package-lock.json, and code-server 4.100.3 in .vscode-test/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

log() { printf '[setup] %s\n' "$*"; }

# npm packages: when node_modules is missing or older than the lock file. They need nothing from
# apt, so on a fresh machine they install while apt-get works; awaited below, before code-server.
npm_pid=''
npm_log=''
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci), beside the system packages"
  npm_log="$(mktemp)"
  npm ci --no-audit --no-fund --loglevel=error </dev/null >"$npm_log" 2>&1 &
  npm_pid=$!
fi
npm_done() {
  [ -n "$npm_pid" ] || return 0
  local rc=0
  wait "$npm_pid" || rc=$?
  npm_pid=''
  cat "$npm_log"
  rm -f "$npm_log"
  if [ "$rc" -ne 0 ]; then
    log "npm ci failed (exit $rc)" >&2
    exit "$rc"
  fi
}

missing=()
for pkg in chromium libkrb5-dev ripgrep libimage-exiftool-perl; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing system packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}), then run this again." >&2
    npm_done
    exit 1
  fi
  log "installing ${missing[*]} (apt-get)"
  aptlog="$(mktemp)"
  if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >"$aptlog" 2>&1; then
    tail -n 40 "$aptlog" >&2
    log "apt-get failed installing: ${missing[*]}" >&2
    npm_done
    exit 1
  fi
  rm -f "$aptlog"
fi

npm_done

bash scripts/install-code-server.sh </dev/null
