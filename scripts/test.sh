#!/usr/bin/env bash
# Set up, then check and test everything: lint, format, types (Python and card.js), the
# prebuilt JupyterLab extension, then every test (client, simulator, notebook layer, browser,
# teaching notebooks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff (lint), ruff format --check, mypy"
.venv/bin/ruff check youchuan_nb tests bench
.venv/bin/ruff format --check youchuan_nb tests bench
.venv/bin/mypy
if [ -f js/check.sh ]; then echo "== tsc --checkJs (card.js)"; bash js/check.sh; fi
if [ -f labextension/check.sh ]; then echo "== labextension build matches its source"; bash labextension/check.sh; fi
# Keep all Jupyter/IPython state inside the checkout (CI runs as root in a fresh clone).
mkdir -p .ci-jupyter
export JUPYTER_PLATFORM_DIRS=1 JUPYTER_CONFIG_DIR=$PWD/.ci-jupyter/config \
       JUPYTER_DATA_DIR=$PWD/.ci-jupyter/data JUPYTER_RUNTIME_DIR=$PWD/.ci-jupyter/runtime \
       IPYTHONDIR=$PWD/.ci-jupyter/ipython
echo "== pytest"
exec .venv/bin/python -m pytest -q -p no:cacheprovider tests "$@"
