#!/usr/bin/env bash
# Makes sure the `pre-commit` framework is installed, for the hook's round-trip test
# (test/pre-commit.test.ts, through test/global-setup.ts). Debian's package first; pip where there
# is no apt-get (or it fails). Prints the path of the `pre-commit` command; exits non-zero with the
# reason on stderr when it cannot be had.
set -euo pipefail

found() { command -v pre-commit >/dev/null 2>&1 && pre-commit --version >/dev/null 2>&1; }

if ! found; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "ensure-pre-commit: installing Debian's pre-commit package" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pre-commit; } >&2 || true
  fi
fi
if ! found; then
  echo "ensure-pre-commit: installing pre-commit with pip" >&2
  python3 -m pip install --quiet --user pre-commit >&2 || python3 -m pip install --quiet pre-commit >&2
  export PATH="$(python3 -m site --user-base)/bin:$PATH"
fi
if ! found; then
  echo "ensure-pre-commit: pre-commit is not installed and could not be installed" >&2
  exit 1
fi
command -v pre-commit
