#!/usr/bin/env bash
# CI check: the committed build in youchuan_nb/labextension/ is what labextension/ builds.
# Rebuilds from package.json + package-lock.json + src/ in a temporary copy (npm ci from the
# registry) and diffs the result against the committed files; exits 1 on any difference.
# About 40 s with an empty npm cache, 10 s with a warm one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/labextension"
cp -r "$here/package.json" "$here/package-lock.json" "$here/install.json" "$here/build.sh" \
    "$here/src" "$here/webpack.config.js" "$tmp/labextension/"
bash "$tmp/labextension/build.sh" >/dev/null
if diff -r "$tmp/youchuan_nb/labextension" "$repo/youchuan_nb/labextension" >"$tmp/diff.txt"; then
    echo "labextension: committed build matches the sources"
else
    cat "$tmp/diff.txt" | head -40
    echo "labextension: youchuan_nb/labextension/ is out of date: run 'bash labextension/build.sh' and commit" >&2
    exit 1
fi
