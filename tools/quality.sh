#!/usr/bin/env bash
# Quality gates of `make test`, run before Odoo's tests, on every addon of the repository
# (cc_discover_addons: credit_control and its bridges): ruff (lint and format), pylint with
# pylint-odoo, every XML file parses, each addon builds as its wheel odoo-addon-<name>, and each
# README.rst is the one tools/gen_readme.py writes from readme/*.md. (The gate "translations"
# needs the installed test database: tools/test.sh runs it after odoo-bin.)
# Each gate prints its findings as file:line; the result of each is appended to $1 as
# "PASS name" or "FAIL name", which the test summary counts: one line per gate, which fails
# when it fails for any addon.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RESULTS="$1"
: > "$RESULTS"
cc_check_addon
ADDON_DIRS=()
for addon in "${CC_ADDONS[@]}"; do ADDON_DIRS+=("$CC_ADDONS_DIR/$addon"); done
PY="$CC_VENV/bin/python"
LINT_PATHS=("${ADDON_DIRS[@]}" "$REPO_ROOT/tools")
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

# per_addon command...: runs the command once per addon, the addon's folder as last argument;
# fails when it fails for any of them (all of them are run). Called through gate.
# shellcheck disable=SC2317,SC2329
per_addon() {
    local dir rc=0
    for dir in "${ADDON_DIRS[@]}"; do
        "$@" "$dir" || rc=1
    done
    return "$rc"
}

cc_log "Addons: ${CC_ADDONS[*]}"
gate "ruff check" "$CC_VENV/bin/ruff" check --no-cache "${LINT_PATHS[@]}"
gate "ruff format" "$CC_VENV/bin/ruff" format --no-cache --check "${LINT_PATHS[@]}"
gate "pylint-odoo" "$CC_VENV/bin/pylint" --rcfile="$REPO_ROOT/.pylintrc" --output-format=text "${ADDON_DIRS[@]}"
gate "xml parses" "$PY" "$REPO_ROOT/tools/check_xml.py" "${ADDON_DIRS[@]}"
gate "wheel" "$PY" "$REPO_ROOT/tools/check_wheel.py" --out-dir "$CC_DATA_DIR/wheel" "${ADDON_DIRS[@]}"
gate "readme" per_addon "$PY" "$REPO_ROOT/tools/gen_readme.py" --check --addon-dir
exit 0
