#!/usr/bin/env bash
# Builds ovfkit's vSphere simulator (test/sim/vcsim-ovfkit, a Go main over Debian's govmomi
# 0.24.2 simulator) into test/sim/bin/vcsim-ovfkit. Installs golang-go,
# golang-github-vmware-govmomi-dev and qemu-utils (for the tests' VMDKs) with apt-get when they are missing (CI runs as root on a
# fresh Debian machine). Rebuilds only when a Go source changed. Quiet unless something fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/vcsim-ovfkit"
bin_dir="$here/bin"
out="$bin_dir/vcsim-ovfkit"
gopath=/usr/share/gocode
govmomi="$gopath/src/github.com/vmware/govmomi/simulator"

log() { printf 'test/sim/build.sh: %s\n' "$*" >&2; }

need_install=()
command -v go >/dev/null 2>&1 || need_install+=(golang-go)
[ -d "$govmomi" ] || need_install+=(golang-github-vmware-govmomi-dev)
# Not for the simulator itself: the end-to-end tests make real streamOptimized VMDKs with qemu-img.
command -v qemu-img >/dev/null 2>&1 || need_install+=(qemu-utils)

if [ "${#need_install[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${need_install[*]} and no apt-get to install them; install Go and govmomi 0.24.2 at $gopath"
    exit 2
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
      log "missing ${need_install[*]}; run as root or install them: apt-get install ${need_install[*]}"
      exit 2
    fi
  fi
  log "installing ${need_install[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt_log="$(mktemp)"
  if ! { "${sudo[@]}" apt-get update -qq && \
         "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need_install[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    rm -f "$apt_log"
    log "apt-get failed"
    exit 2
  fi
  rm -f "$apt_log"
fi

# Up to date when the binary is newer than every Go source and this script.
if [ -x "$out" ]; then
  stale="$(find "$src" "$here/build.sh" -newer "$out" \( -name '*.go' -o -name build.sh \) -print -quit)"
  if [ -z "$stale" ]; then
    exit 0
  fi
fi

mkdir -p "$bin_dir"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# GOFLAGS=-mod=mod and a module-aware go would ignore GOPATH; Debian ships govmomi as a GOPATH tree.
(cd "$src" && GO111MODULE=off GOPATH="$gopath" GOFLAGS= GOCACHE="${GOCACHE:-$here/bin/.gocache}" \
  go build -o "$tmp" .)
mv -f "$tmp" "$out"
