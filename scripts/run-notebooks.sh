#!/usr/bin/env bash
# Set up, then execute every teaching notebook headless against the simulator; write the
# executed notebooks and their HTML to a folder (default: out/notebooks) and print where.
set -euo pipefail
cd "$(dirname "$0")/.."
YOUCHUAN_SKIP_CHROMIUM=1 bash scripts/setup.sh
OUT="${1:-out/notebooks}"
exec .venv/bin/python -m youchuan_nb.notebook.run_notebooks notebooks "$OUT"
