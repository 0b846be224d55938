#!/usr/bin/env bash
# Installs what a fresh Debian bookworm machine lacks for slatesim's tests:
#  - Mesa's lavapipe Vulkan driver from bookworm-backports (bookworm's own 22.x is too old for Dawn),
#    so the `webgpu` package (Dawn) finds a software adapter (llvmpipe);
#  - Debian's chromium for the browser test (never a browser downloaded by a test tool);
#  - Debian's redis-server for the distributed-run tests (they start their own on a free port; no service runs).
# Idempotent: skips what is already there.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

need_vulkan=1
if ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
  ver=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || echo "")
  case "$ver" in 2[3-9].*|3*) need_vulkan=0 ;; esac
fi
need_chromium=1
if command -v chromium >/dev/null 2>&1; then need_chromium=0; fi
need_redis=1
if command -v redis-server >/dev/null 2>&1; then need_redis=0; fi

if [ "$need_vulkan" = 0 ] && [ "$need_chromium" = 0 ] && [ "$need_redis" = 0 ]; then
  echo "system deps: vulkan driver, chromium and redis-server already present"
  exit 0
fi

# Add a bookworm-backports entry that copies the URI of the existing Debian entry.
if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then echo "install-system-deps: cannot find the Debian apt URI to copy for bookworm-backports" >&2; exit 1; fi
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" \
    | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
pkgs=()
if [ "$need_vulkan" = 1 ]; then
  $SUDO apt-get install -y -q -t bookworm-backports mesa-vulkan-drivers libvulkan1
fi
if [ "$need_chromium" = 1 ]; then pkgs+=(chromium); fi
if [ "$need_redis" = 1 ]; then pkgs+=(redis-server); fi
if [ "${#pkgs[@]}" -gt 0 ]; then $SUDO apt-get install -y -q "${pkgs[@]}"; fi
echo "system deps: $(dpkg-query -W -f='mesa-vulkan-drivers ${Version}' mesa-vulkan-drivers), $(redis-server --version | cut -d' ' -f1-3)"
