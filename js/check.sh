#!/usr/bin/env bash
# Type-check the card's front end (static/card.js, plain JS with JSDoc) with the pinned tsc.
# Run from anywhere; the lead's scripts/test.sh calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --prefix js --silent --no-audit --no-fund >/dev/null
npx --prefix js tsc -p js/tsconfig.json
