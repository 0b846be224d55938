#!/usr/bin/env bash
# The check for a machine with a real GPU: installs what is missing, refuses a software or absent adapter in one
# line, then runs the bench on the full slate (WebGPU at 100k and 1M worlds, the CPU with every core at 100k)
# and writes bench.json, bench.md, bench.svg and a one-screen summary. Meant to finish within 5 minutes on a
# data-centre GPU.
#
#   bash bench/device-check.sh [OUT_DIR]        (default: out/device-check)
#
# Environment: DEVICE_CHECK_WORLDS (default 100000,1000000), DEVICE_CHECK_TIMEOUT (seconds, default 290),
# DEVICE_CHECK_ALLOW_SOFTWARE=1 (run on a software adapter anyway: for testing this script).
# Exit codes: 0 done; 2 no usable adapter (software, absent) or no Vulkan loader; 1 anything else.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out/device-check}"
worlds="${DEVICE_CHECK_WORLDS:-100000,1000000}"
limit="${DEVICE_CHECK_TIMEOUT:-290}"
fail() { echo "device-check: $1" >&2; exit "${2:-1}"; }

# Node and the packages (npm ci needs the registry; a machine without network must bring node_modules).
command -v node >/dev/null || fail "node is not installed (Node.js 20.19 or newer)" 2
if [ ! -d node_modules/webgpu ]; then
  echo "device-check: installing packages (npm ci)"
  npm ci --no-audit --no-fund >/dev/null 2>&1 || fail "npm ci failed (no network? bring node_modules with the tree)"
fi

# The Vulkan loader: Dawn needs libvulkan.so.1. Loader packages brought as .gl/*.deb are unpacked when it is missing.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  if compgen -G '.gl/*.deb' >/dev/null; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1' ||
    fail "no Vulkan loader (libvulkan.so.1): install libvulkan1 (Debian/Ubuntu) or bring its .deb in .gl/" 2
fi
# NVIDIA's driver files where a container mounts them but the loader does not look.
nv=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nv" ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES="$nv"
fi

# The adapter: absent or software (lavapipe/llvmpipe, SwiftShader, WARP) ends the check here.
adapter=$(node bin/slatesim.js gpu 2>/dev/null | grep '^WebGPU adapter:' || true)
[ -n "$adapter" ] || fail "no WebGPU adapter (is the GPU's Vulkan driver installed? try: npx slatesim gpu --verbose)" 2
if [ "${DEVICE_CHECK_ALLOW_SOFTWARE:-0}" != 1 ] && echo "$adapter" | grep -qiE 'software|llvmpipe|lavapipe|swiftshader|microsoft basic'; then
  fail "the adapter is a software one, not a GPU: ${adapter#WebGPU adapter: }" 2
fi
echo "device-check: ${adapter}"

# The bench: WebGPU at each size, the CPU with every core at 100k (its per-thread figure is in docs/bench).
mkdir -p "$out"
start=$(date +%s)
timeout "$limit" node bin/slatesim.js bench --json "$out/bench.json" --worlds "$worlds" --backends gpu --scopes slate --reps 1 ||
  fail "the WebGPU bench failed or passed ${limit} s (see above)"
left=$((limit - ($(date +%s) - start)))
if [ "$left" -gt 30 ]; then
  timeout "$left" node bin/slatesim.js bench --json "$out/cpu/bench.json" --worlds 100000 --backends cpu --scopes slate --reps 1 ||
    echo "device-check: the CPU bench did not finish in the time left (${left} s); WebGPU figures stand" >&2
fi

# The same slate game by game (one dispatch per game and kernel, as before the slate per dispatch) at 100k worlds,
# for the comparison on a real GPU, if time is left.
left=$((limit - ($(date +%s) - start)))
if [ "$left" -gt 30 ]; then
  timeout "$left" node bin/slatesim.js bench --json "$out/game/bench.json" --worlds 100000 --backends gpu --scopes slate --reps 1 --gpu-dispatch game ||
    echo "device-check: the game-by-game bench did not finish in the time left (${left} s)" >&2
fi

# One screen: the adapter, throughput per size and backend, and the per-kernel split.
node -e '
const fs = require("fs");
const out = process.argv[1];
const rows = [];
for (const f of [out + "/bench.json", out + "/cpu/bench.json", out + "/game/bench.json"]) {
  if (!fs.existsSync(f)) continue;
  for (const r of JSON.parse(fs.readFileSync(f, "utf8")).results ?? []) rows.push(r);
}
const lines = ["backend  dispatch workers  worlds     seconds  M player-worlds/s  peak RSS MB"];
for (const r of rows)
  lines.push([r.backend.padEnd(8), String(r.gpu_dispatch ?? "").padEnd(8), String(r.workers ?? "").padEnd(8), String(r.worlds).padEnd(10), r.seconds.toFixed(2).padEnd(8),
    (r.player_worlds_per_s / 1e6).toFixed(2).padEnd(18), r.peak_rss_mb.toFixed(0)].join(" "));
fs.writeFileSync(out + "/summary.txt", lines.join("\n") + "\n");
console.log(lines.join("\n"));
' "$out"
echo "device-check: wrote $out/bench.json, $out/bench.md, $out/summary.txt in $(($(date +%s) - start)) s"
