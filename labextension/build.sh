#!/usr/bin/env bash
# Build the prebuilt JupyterLab 4 / Notebook 7 extension into ../youchuan_nb/labextension/
# (package.json + static/), which the wheel installs as share/jupyter/labextensions/youchuan-nb/.
# Needs node >= 18 and the npm registry; users need neither (the build is committed).
#   bash labextension/build.sh          # npm ci (if needed) + build
# Uses @jupyterlab/builder directly with the pinned @jupyterlab/core-meta snapshot, so the output
# does not depend on which jupyterlab/jupyter_builder the Python environment has.
set -euo pipefail
cd "$(dirname "$0")"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
[ -x node_modules/.bin/webpack ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
    || npm ci --no-audit --no-fund --loglevel=error
out=$(node -e 'const p=require("./package.json");console.log(require("path").resolve(p.jupyterlab.outputDir))')
core=$(mktemp -d)
trap 'rm -rf "$core"' EXIT
# the builder wants the core metadata as <dir>/package.json
cp node_modules/@jupyterlab/core-meta/core.package.json "$core/package.json"
rm -rf "$out"
node node_modules/@jupyterlab/builder/lib/build-labextension.js --core-path "$core" . >"$core/build.log" 2>&1 \
    || { cat "$core/build.log"; exit 1; }
cp install.json "$out/install.json"
echo "built $out"
