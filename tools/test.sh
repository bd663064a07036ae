#!/usr/bin/env bash
# `make test`: set everything up, install every addon of the repository (credit_control and its
# bridges, with demo data) in a fresh database, run their tests, check their translations on that
# database, and close with one line `N passed, N failed` (each quality gate counts as one test).
#
# Variables: TEST_TAGS (default /credit_control,/<bridge>,... : one /<addon> per addon),
#            TEST_INSTALL (default: every addon), TEST_DB (default credit_control_test),
#            TEST_HTTP_PORT (default: a free port), plus those listed in tools/common.sh.
# Extra arguments are passed to odoo-bin as they are.
set -euo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TEST_DB="${TEST_DB:-credit_control_test}"
TEST_LOG="${TEST_LOG:-$CC_LOG_DIR/test.log}"
T_START=$SECONDS

# Browser tours (HttpCase) are silently skipped by Odoo without a Chrome binary or websocket-client.
ensure_browser() {
    local b
    for b in chromium google-chrome chromium-browser google-chrome-stable; do
        if command -v "$b" >/dev/null 2>&1; then
            CC_BROWSER="$(command -v "$b")"
            break
        fi
    done
    if [ -z "${CC_BROWSER:-}" ]; then
        cc_apt_install chromium || true
        CC_BROWSER="$(command -v chromium || true)"
    fi
    [ -n "$CC_BROWSER" ] \
        || cc_die "Chromium is required for the browser tests (Odoo would silently skip them): sudo apt-get install chromium"
    "$CC_BROWSER" --version >/dev/null 2>&1 \
        || cc_die "$CC_BROWSER does not run ($CC_BROWSER --version failed): reinstall chromium"
    cc_log "Browser for tours: $CC_BROWSER"
    "$CC_VENV/bin/python" -c 'import websocket' 2>/dev/null \
        || cc_die "the Python package websocket-client does not import in $CC_VENV (Odoo would silently skip browser tests)"
}

cc_setup_all
ensure_browser
# The addons of the repository (cc_discover_addons): their tests by default.
if [ -z "${TEST_TAGS:-}" ]; then
    TEST_TAGS="$(printf '/%s,' "${CC_ADDONS[@]}")"
    TEST_TAGS="${TEST_TAGS%,}"
fi

CC_PG_STARTED=0
trap cc_pg_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

QUALITY_RESULTS="${QUALITY_RESULTS:-$CC_LOG_DIR/quality.txt}"
mkdir -p "$CC_LOG_DIR"
# TEST_INSTALL: the modules installed in the test database (default: every addon of the
# repository). make test-odoo runs Odoo's own suites with credit_control installed, or without it
# (TEST_INSTALL=sale_management,account), and skips the quality gates (TEST_GATES=0).
TEST_INSTALL_DEFAULT=1
[ -z "${TEST_INSTALL:-}" ] || TEST_INSTALL_DEFAULT=0
TEST_INSTALL="${TEST_INSTALL:-$CC_ADDONS_CSV}"
TEST_GATES="${TEST_GATES:-1}"
if [ "$TEST_GATES" = 1 ]; then
    bash "$CC_TOOLS_DIR/quality.sh" "$QUALITY_RESULTS"
else
    : > "$QUALITY_RESULTS"
fi

cc_pg_start
cc_db_drop "$TEST_DB"
cc_odoo_cmd
HTTP_PORT="${TEST_HTTP_PORT:-$(cc_free_port)}"

cc_log "Running tests: database $TEST_DB, -i $TEST_INSTALL, --test-tags $TEST_TAGS, http port $HTTP_PORT (log: $TEST_LOG)"
T_ODOO=$SECONDS
set +e
"${CC_ODOO[@]}" -d "$TEST_DB" -i "$TEST_INSTALL" \
    --test-tags "$TEST_TAGS" --stop-after-init --log-level=info \
    --http-interface=127.0.0.1 --http-port="$HTTP_PORT" \
    --workers 0 --max-cron-threads 0 "$@" 2>&1 | (trap '' INT TERM; exec tee "$TEST_LOG")
ODOO_RC=${PIPESTATUS[0]}
set -e
ODOO_SECS=$((SECONDS - T_ODOO))

# Gate "translations", on the database odoo-bin has just installed (the cluster is still up):
# for each addon, its .pot lists every term of its code, every .po translates them all
# (tools/check_translations.py). With the default TEST_INSTALL every addon must be installed;
# with another one, the addons it left out are not checked (a note says so).
if [ "$TEST_GATES" = 1 ]; then
    I18N_MODULES=()
    if [ "$TEST_INSTALL_DEFAULT" = 1 ]; then
        I18N_MODULES=("${CC_ADDONS[@]}")
    else
        installed=" $(CC_PSQL_DB="$TEST_DB" cc_psql_admin -tAc "SELECT name FROM ir_module_module WHERE state = 'installed'" 2>/dev/null | tr '\n' ' ' || true) "
        for addon in "${CC_ADDONS[@]}"; do
            if [[ "$installed" == *" $addon "* ]]; then
                I18N_MODULES+=("$addon")
            else
                cc_info "note: $addon is not installed (TEST_INSTALL=$TEST_INSTALL): its translations are not checked"
            fi
        done
        [ "${#I18N_MODULES[@]}" -gt 0 ] || I18N_MODULES=("$CC_MODULE")
    fi
    cc_log "Quality gate: translations (database $TEST_DB: ${I18N_MODULES[*]})"
    I18N_MODULE_ARGS=()
    for addon in "${I18N_MODULES[@]}"; do I18N_MODULE_ARGS+=(--module "$addon"); done
    if "$CC_VENV/bin/python" "$CC_TOOLS_DIR/check_translations.py" --odoo-src "$ODOO_SRC" "${I18N_MODULE_ARGS[@]}" -- \
            "${CC_ODOO[@]:2}" -d "$TEST_DB"; then
        echo "PASS translations" >> "$QUALITY_RESULTS"
    else
        echo "FAIL translations" >> "$QUALITY_RESULTS"
        cc_warn "quality gate failed: translations"
    fi
fi

# Stop the cluster now, so that the summary below stays the last line of output.
cc_pg_cleanup

cc_log "odoo-bin exited with code $ODOO_RC after ${ODOO_SECS} s (total $((SECONDS - T_START)) s)"
set +e
"$CC_VENV/bin/python" - "$TEST_LOG" "$ODOO_RC" "$TEST_TAGS" "$QUALITY_RESULTS" <<'PY'
"""Reads Odoo's log and prints the closing `N passed, N failed` line.

Each quality gate (tools/quality.sh, and "translations" run after odoo-bin) counts as one
test more, passed or failed.

failed = failed tests + tests in error (Odoo's own count)
       + tests that logged an ERROR/CRITICAL line without being reported as failed
       + ERROR/CRITICAL lines logged outside any test
       (+ 1 when odoo-bin exited non-zero and nothing else explains it)
"""
import re
import sys

log_path, rc, tags, quality_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL|\?) (\S+) ([^\s:]+): ?(.*)$"
)
RESULT = re.compile(r"^(\d+) failed, (\d+) error\(s\) of (\d+) tests")
TEST_FAILURE = re.compile(r"^(FAIL|ERROR): (.*?)\s*$")
CONTEXT_RESET = {"odoo.modules.loading", "odoo.service.server", "odoo.tests.stats"}

summary = None
current = None          # test being run (from Odoo's "Starting X ..." lines)
started = fail_records = error_records = 0
failed_names = set()
stray = []              # (test or None, logger, message)

with open(log_path, encoding="utf-8", errors="replace") as f:
    for line in f:
        m = RECORD.match(line.rstrip("\n"))
        if not m:
            continue  # traceback / continuation line of the previous record
        level, logger, msg = m.group(1), m.group(3), m.group(4).rstrip()
        if logger == "odoo.tests.result":
            r = RESULT.match(msg)
            if r:
                summary = tuple(int(x) for x in r.groups())
            continue
        if level == "INFO" and msg.startswith("Starting ") and msg.endswith(" ...") \
                and logger.startswith("odoo.addons.") and ".tests" in logger:
            current = msg[len("Starting "):-len(" ...")]
            started += 1
            continue
        if logger in CONTEXT_RESET:
            current = None
        if level in ("ERROR", "CRITICAL"):
            t = TEST_FAILURE.match(msg)
            if t and level == "ERROR":
                failed_names.add(t.group(2))
                if t.group(1) == "FAIL":
                    fail_records += 1
                else:
                    error_records += 1
                continue
            stray.append((current, logger, msg))

notes = []
if summary:
    failures, errors, run = summary
else:
    failures, errors, run = fail_records, error_records, started
    notes.append("Odoo reported no test result (crashed or interrupted?): counts come from the log")

stray_in_tests = sorted({t for t, _, _ in stray if t is not None and t not in failed_names})
stray_outside = [s for s in stray if s[0] is None]
counted = [s for s in stray if s[0] is None or s[0] in stray_in_tests]

failed = failures + errors + len(stray_in_tests) + len(stray_outside)
passed = max(run - failures - errors - len(stray_in_tests), 0)

if counted:
    print(f"==> {len(counted)} ERROR/CRITICAL log line(s) outside reported test failures (each fails the run):")
    for t, logger, msg in counted[:25]:
        where = f"[{t}] " if t else ""
        text = msg if len(msg) <= 220 else msg[:217] + "..."
        print(f"    {where}{logger}: {text}")
    if len(counted) > 25:
        print(f"    ... and {len(counted) - 25} more (see the log)")
if summary:
    print(f"==> Odoo: {failures} failed, {errors} error(s) of {run} tests")
for n in notes:
    print(f"==> {n}")
with open(quality_path, encoding="utf-8") as f:
    gates = [line.split(" ", 1) for line in f.read().splitlines() if line.strip()]
gates_failed = [name for status, name in gates if status != "PASS"]
print(f"==> Quality gates: {len(gates) - len(gates_failed)} passed"
      + (f", failed: {', '.join(gates_failed)}" if gates_failed else ""))
if rc != 0:
    print(f"==> odoo-bin exited with code {rc}")
    if failed == 0:
        failed = 1
if run == 0:
    print(f"==> No test ran (--test-tags {tags}): failing")
print(f"==> Full log: {log_path}")
passed += len(gates) - len(gates_failed)
failed += len(gates_failed)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if (failed or run == 0 or rc != 0) else 0)
PY
STATUS=$?
exit "$STATUS"
