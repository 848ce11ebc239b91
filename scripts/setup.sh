#!/usr/bin/env bash
# Set up everything youchuan_nb needs on a fresh Debian machine: a venv with the package,
# JupyterLab and the test tools, and Debian's Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1
if [ "${YOUCHUAN_SKIP_CHROMIUM:-0}" != "1" ] && ! command -v chromium >/dev/null; then
    # Debian's Chromium; never `playwright install` (its downloads are not reachable here)
    SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
    $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium
fi
if ! fc-list 2>/dev/null | grep -qiE "wqy|Noto Sans CJK|Source Han"; then
    # A CJK font: the simulator captions Chinese prompts with it (and Chromium shows Chinese cards)
    SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
    ($SUDO apt-get update -q && $SUDO apt-get install -y -q fonts-wqy-microhei) \
        || echo "setup: no CJK font installed; simulated images show no caption for Chinese prompts"
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
# Saved job cards show in JupyterLab/Notebook 7 with default settings: the package's prebuilt lab
# extension (share/jupyter/labextensions/youchuan-nb) shows a card's saved copy when its widget
# model is gone. Earlier versions of this script turned on "save widget state" instead; undo that.
.venv/bin/python - <<'PY'
import json, sys
from pathlib import Path
path = Path(sys.prefix) / "share/jupyter/lab/settings/overrides.json"
data = json.loads(path.read_text()) if path.exists() else {}
plugin = data.get("@jupyter-widgets/jupyterlab-manager:plugin", {})
if "saveState" in plugin:
    del plugin["saveState"]
    if not plugin:
        del data["@jupyter-widgets/jupyterlab-manager:plugin"]
    if data:
        path.write_text(json.dumps(data, indent=2))
    else:
        path.unlink()
PY
