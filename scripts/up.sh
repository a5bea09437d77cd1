#!/usr/bin/env bash
# One command on a fresh clone (Node 20, MySQL and Redis running): install, migrate, start everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
exec pnpm start
