#!/usr/bin/env bash
# Quality gates of `make test`, run before Odoo's tests: ruff (lint and format), pylint with
# pylint-odoo, every XML file parses, the addon builds as the wheel odoo-addon-credit_control, and
# its README.rst is the one tools/gen_readme.py writes from readme/*.md. (The gate "translations"
# needs the installed test database: tools/test.sh runs it after odoo-bin.)
# Each gate prints its findings as file:line; the result of each is appended to $1 as
# "PASS name" or "FAIL name", which the test summary counts.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RESULTS="$1"
: > "$RESULTS"
ADDON="$CC_ADDONS_DIR/$CC_MODULE"
PY="$CC_VENV/bin/python"
LINT_PATHS=("$ADDON" "$REPO_ROOT/tools")
[ -d "$REPO_ROOT/bench" ] && LINT_PATHS+=("$REPO_ROOT/bench")

gate() {  # name command...
    local name="$1"
    shift
    cc_log "Quality gate: $name"
    if (cd "$REPO_ROOT" && "$@"); then
        echo "PASS $name" >> "$RESULTS"
    else
        echo "FAIL $name" >> "$RESULTS"
        cc_warn "quality gate failed: $name"
    fi
}

gate "ruff check" "$CC_VENV/bin/ruff" check --no-cache "${LINT_PATHS[@]}"
gate "ruff format" "$CC_VENV/bin/ruff" format --no-cache --check "${LINT_PATHS[@]}"
gate "pylint-odoo" "$CC_VENV/bin/pylint" --rcfile="$REPO_ROOT/.pylintrc" --output-format=text "$ADDON"
gate "xml parses" "$PY" "$REPO_ROOT/tools/check_xml.py" "$ADDON"
gate "wheel" "$PY" "$REPO_ROOT/tools/check_wheel.py" "$ADDON" "$CC_DATA_DIR/wheel"
gate "readme" "$PY" "$REPO_ROOT/tools/gen_readme.py" --check --addon-dir "$ADDON"
exit 0
