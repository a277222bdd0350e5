#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 served to a browser) into .vscode-test/code-server/,
# where the integration, UI and `npm start` harnesses look for it. Idempotent: does nothing
# when the right version is already there and starts.
#
# Why this way (see REAL-VSCODE.md): Microsoft's VS Code download is out of reach on the CI
# machines, code-server comes from npm. 4.100.3 is the newest release that accepts Node 20.
# System packages (chromium, libkrb5-dev, ripgrep) are installed by .ci/run, not here.
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.vscode-test/code-server"
BIN="$DEST/node_modules/.bin/code-server"

log() { printf '[install-code-server] %s\n' "$*"; }

# `code-server --version` writes a default config.yaml on its first run and logs that line
# first, so point its config dir somewhere harmless and pick the version line out.
installed_version() {
  [ -x "$BIN" ] || return 0
  XDG_CONFIG_HOME="$ROOT/.vscode-test/tmp/xdg-config" "$BIN" --version 2>/dev/null \
    | awk '/^[0-9]+\.[0-9]+\.[0-9]+ / {print $1; exit}' || true
}

missing=()
command -v rg >/dev/null 2>&1 || missing+=("ripgrep (rg)")
[ -x /usr/bin/chromium ] || missing+=("chromium (/usr/bin/chromium, needed by the UI tests)")
if [ ! -e /usr/include/krb5.h ] && [ ! -e /usr/include/gssapi/gssapi.h ]; then
  missing+=("libkrb5-dev (the kerberos module does not compile without it)")
fi
for tool in make g++ python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool (node-gyp builds code-server's native modules)")
done
if [ ! -e /usr/include/node/node.h ]; then
  missing+=("Node's headers in /usr/include/node (npm_config_nodedir=/usr; nodejs.org is unreachable)")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  log "missing system packages:"
  for m in "${missing[@]}"; do log "  - $m"; done
  log "install them first: apt-get update && apt-get install -y chromium libkrb5-dev ripgrep"
  # Chromium is only needed later, by the UI tests; everything else by this install.
  for m in "${missing[@]}"; do
    case "$m" in chromium*) ;; *) exit 1 ;; esac
  done
fi

if [ -x "$BIN" ]; then
  have="$(installed_version)"
  if [ "$have" = "$VERSION" ]; then
    log "code-server $VERSION already installed in $DEST"
    exit 0
  fi
  log "found '${have:-a broken install}' in $DEST, reinstalling $VERSION"
  rm -rf "$DEST"
fi

start=$(date +%s)
mkdir -p "$DEST"
# Own package folder so code-server's 300 MB never mix with the project's node_modules.
cat >"$DEST/package.json" <<'JSON'
{ "name": "code-server-host", "private": true, "description": "code-server for the flux-vscode test harness" }
JSON

# @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable here. It first
# looks in $TMPDIR/vscode-ripgrep-cache-<pkg version>/, so seed that with Debian's rg.
TMP="$ROOT/.vscode-test/tmp"
mkdir -p "$TMP/rgbin"
cp "$(command -v rg)" "$TMP/rgbin/rg"
for cacheVersion in 1.15.11; do
  cache="$TMP/vscode-ripgrep-cache-$cacheVersion"
  mkdir -p "$cache"
  for target in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
    tar -czf "$cache/ripgrep-v13.0.0-10-$target.tar.gz" -C "$TMP/rgbin" rg
  done
done

log "installing code-server@$VERSION into $DEST (about a minute)"
# unsafe_perm: CI runs as root and the native builds must still run.
# yes: node-pty's build runs `npx node-gyp`, which would otherwise ask before installing.
# nodedir: build native modules against the installed Node headers (no download).
(
  cd "$DEST"
  TMPDIR="$TMP" \
  npm_config_yes=true \
  npm_config_unsafe_perm=true \
  npm_config_nodedir=/usr \
  npm_config_update_notifier=false \
  npm_config_fund=false \
  npm_config_audit=false \
  npm install --loglevel=error "code-server@$VERSION"
)

have="$(installed_version)"
if [ "$have" != "$VERSION" ]; then
  log "code-server did not start after the install (got '${have}'); see the npm output above"
  exit 1
fi
log "code-server $VERSION installed in $(( $(date +%s) - start )) s"
