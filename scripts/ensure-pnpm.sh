#!/usr/bin/env bash
# The pinned pnpm (package.json "packageManager"); newer 12.x releases need platform packages the
# registry here does not serve, so install exactly this one.
set -euo pipefail
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  echo "installing pnpm $want"
  npm install --global "pnpm@$want" >/dev/null
fi
