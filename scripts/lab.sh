#!/usr/bin/env bash
# Set up, then open JupyterLab on notebooks/ with the built-in simulator as the default.
set -euo pipefail
cd "$(dirname "$0")/.."
YOUCHUAN_SKIP_CHROMIUM=1 bash scripts/setup.sh
# A first grid on the simulator (or the service, if credentials are set): four images on disk.
.venv/bin/python -m youchuan_nb --out out/first-grid
PORT="${PORT:-8888}"
TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(16))')"
echo
echo "Open http://127.0.0.1:${PORT}/lab/tree/01-quickstart.ipynb?token=${TOKEN}"
echo "(simulator mode unless YOUCHUAN_APP_ID and YOUCHUAN_SECRET are set; Ctrl-C stops JupyterLab)"
echo
ROOT_FLAG=""; [ "$(id -u)" = "0" ] && ROOT_FLAG="--allow-root"
exec .venv/bin/jupyter lab --no-browser $ROOT_FLAG --ServerApp.ip=127.0.0.1 \
    --ServerApp.port="$PORT" --ServerApp.root_dir="$PWD/notebooks" \
    --IdentityProvider.token="$TOKEN" \
    --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
