#!/usr/bin/env bash
# Set up, then run every test (client, simulator, notebook layer, browser, teaching notebooks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Keep all Jupyter/IPython state inside the checkout (CI runs as root in a fresh clone).
mkdir -p .ci-jupyter
export JUPYTER_PLATFORM_DIRS=1 JUPYTER_CONFIG_DIR=$PWD/.ci-jupyter/config \
       JUPYTER_DATA_DIR=$PWD/.ci-jupyter/data JUPYTER_RUNTIME_DIR=$PWD/.ci-jupyter/runtime \
       IPYTHONDIR=$PWD/.ci-jupyter/ipython
exec .venv/bin/python -m pytest -q -p no:cacheprovider tests "$@"
