#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2329  # cleanup/on_signal/stop_odoo/wait_gone are called from traps
# `make demo`: set everything up, create the demo database (every addon of the repository:
# credit_control and its bridges, + demo data) when it is missing or was not fully installed,
# install the addons it lacks, update them when their files changed, then serve Odoo in the
# foreground until Ctrl-C/SIGTERM, after which Odoo and then the PostgreSQL cluster are stopped.
#   tools/demo.sh          serve (default)
#   tools/demo.sh reset    drop the demo database (next `make demo` recreates it)
#   tools/demo.sh screenshots   serve it on a free port, take the READMEs' screenshots
#                          (tools/screenshots.py, SHOTS=overview,hold for some), stop
# Variables: DEMO_DB (credit_control_demo), DEMO_HOST (127.0.0.1), DEMO_PORT (8069),
#            DEMO_UPDATE=1 (run `-u <every addon>` on the existing database before serving),
#            plus those listed in tools/common.sh. Extra arguments go to odoo-bin when serving.
set -euo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEMO_DB="${DEMO_DB:-credit_control_demo}"
DEMO_HOST="${DEMO_HOST:-127.0.0.1}"
DEMO_PORT="${DEMO_PORT:-8069}"
DEMO_LOG="$CC_LOG_DIR/demo.log"
DEMO_INSTALL_LOG="$CC_LOG_DIR/demo-install.log"
STAMP="$CC_DATA_DIR/demo-$DEMO_DB.installed"

action="serve"
if [ "${1:-}" = reset ] || [ "${1:-}" = serve ] || [ "${1:-}" = screenshots ]; then
    action="$1"
    shift
fi

CC_PG_STARTED=0
ODOO_PID=""
TAIL_PID=""
cleanup() {
    if [ -n "$TAIL_PID" ]; then
        pkill -P "$TAIL_PID" 2>/dev/null || true
        kill "$TAIL_PID" 2>/dev/null || true
        TAIL_PID=""
    fi
    if [ -n "$ODOO_PID" ] && kill -0 "$ODOO_PID" 2>/dev/null; then
        stop_odoo
    fi
    if [ "$CC_PG_STARTED" = 1 ]; then
        CC_PG_STARTED=0
        cc_pg_stop_if_idle
    fi
}

# Waits up to $2 tenths of a second for process $1 to end.
wait_gone() {
    local i
    for ((i = 0; i < $2; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    ! kill -0 "$1" 2>/dev/null
}

stop_odoo() {
    local pid="$ODOO_PID" signal="${1:-TERM}"
    ODOO_PID=""
    cc_log "Stopping Odoo (pid $pid)"
    # After Ctrl-C, Odoo got the SIGINT too and is already shutting down gracefully: a second
    # signal would force it, so give it a few seconds first.
    if [ "$signal" != INT ] || ! wait_gone "$pid" 50; then
        kill -TERM "$pid" 2>/dev/null || true
    fi
    # Odoo stops gracefully on SIGTERM; force it after 30 s.
    if ! wait_gone "$pid" 300; then
        cc_warn "Odoo did not stop within 30 s: killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

on_signal() {  # exit-code signal-name
    trap '' INT TERM
    echo
    if [ -n "$ODOO_PID" ] && kill -0 "$ODOO_PID" 2>/dev/null; then
        stop_odoo "$2"
    fi
    cleanup
    exit "$1"
}

trap cleanup EXIT
trap 'on_signal 130 INT' INT
trap 'on_signal 143 TERM' TERM

# module_installed [NAME]: NAME (default: the main addon) is installed in the demo database.
module_installed() {
    [ "$(CC_PSQL_DB="$DEMO_DB" cc_psql_admin -tAc "SELECT state FROM ir_module_module WHERE name = '${1:-$CC_MODULE}'" 2>/dev/null)" = installed ]
}

# Sets MISSING_CSV: the addons of the repository not installed in the demo database (empty: none).
missing_addons() {
    local addon missing=()
    for addon in "${CC_ADDONS[@]}"; do
        module_installed "$addon" || missing+=("$addon")
    done
    MISSING_CSV="$(IFS=,; echo "${missing[*]}")"
}

if [ "$action" = reset ]; then
    cc_pg_init_vars
    cc_pg_start
    cc_db_drop "$DEMO_DB"
    rm -f "$STAMP"
    cc_log "Demo database $DEMO_DB removed: the next \`make demo\` recreates it"
    exit 0
fi

cc_setup_all
cc_pg_start
cc_odoo_cmd

[ "$action" != screenshots ] || DEMO_PORT="$(cc_free_port)"
cc_port_free "$DEMO_HOST" "$DEMO_PORT" \
    || cc_die "port $DEMO_PORT on $DEMO_HOST is busy (another Odoo?): stop it or use e.g. \`make demo DEMO_PORT=8070\`"

# odoo_once ARGS...: e.g. -i|-u MODULES (comma-separated) in the demo database, then stops.
# Odoo's log goes to DEMO_INSTALL_LOG only; on failure its errors are printed.
odoo_once() {
    local rc
    set +e
    "${CC_ODOO[@]}" -d "$DEMO_DB" "$@" --stop-after-init --no-http \
        --workers 0 --max-cron-threads 0 --log-level=info >> "$DEMO_INSTALL_LOG" 2>&1
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || print_odoo_errors "$DEMO_INSTALL_LOG"
    return "$rc"
}

# print_odoo_errors LOG: the ERROR/CRITICAL records of an Odoo log with their tracebacks (the
# last 60 lines of them), or the log's last lines when it has none.
print_odoo_errors() {
    local errors
    errors="$(awk '/^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) /{keep=1; print; next}
                   /^[0-9-]+ [0-9:,]+ [0-9]+ [A-Z]+ /{keep=0} keep' "$1" | tail -n 60)"
    printf '%s\n' "${errors:-$(tail -n 30 "$1")}" | sed 's/^/    /' >&2
}

# The addons' files as they are now: when they change, the demo database is updated.
addon_hash="$(cd "$CC_ADDONS_DIR" && find "${CC_ADDONS[@]}" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
stamp_db="db=$DEMO_DB host=$CC_DB_HOST port=$CC_DB_PORT"
stamp_want="$stamp_db addons=$CC_ADDONS_CSV hash=$addon_hash"
if cc_db_exists "$DEMO_DB" && [ -f "$STAMP" ] && [ "$(cut -d' ' -f1-3 "$STAMP")" = "$stamp_db" ] && module_installed; then
    cc_log "Demo database $DEMO_DB is installed (\`make demo-reset\` drops it)"
    missing_addons
    if [ -n "$MISSING_CSV" ]; then
        # e.g. a new bridge: install it, keeping the data of the database.
        cc_log "Installing $MISSING_CSV in $DEMO_DB (log: .data/log/demo-install.log)"
        rc=0
        : > "$DEMO_INSTALL_LOG"
        odoo_once -i "$MISSING_CSV" || rc=$?
        missing_addons
        if [ "$rc" -ne 0 ] || [ -n "$MISSING_CSV" ]; then
            cc_die "installing the addons in $DEMO_DB failed (exit $rc, not installed: ${MISSING_CSV:-none}; log: $DEMO_INSTALL_LOG)"
        fi
    fi
    if [ "${DEMO_UPDATE:-0}" = 1 ] || [ "$(cat "$STAMP")" != "$stamp_want" ]; then
        cc_log "The addons changed since the last run: updating $CC_ADDONS_CSV in $DEMO_DB (log: .data/log/demo-install.log)"
        rc=0
        : > "$DEMO_INSTALL_LOG"
        odoo_once -u "$CC_ADDONS_CSV" || rc=$?
        [ "$rc" -eq 0 ] || cc_die "updating $CC_ADDONS_CSV failed (exit $rc, log: $DEMO_INSTALL_LOG)"
        echo "$stamp_want" > "$STAMP"
    fi
else
    rm -f "$STAMP"
    cc_db_drop "$DEMO_DB"
    cc_log "Creating demo database $DEMO_DB with $CC_ADDONS_CSV and demo data (1-2 minutes; log: .data/log/demo-install.log)"
    t0=$SECONDS
    rc=0
    : > "$DEMO_INSTALL_LOG"
    # Chinese is loaded between base and the addons, so that it is not the database's default
    # language and the demo's Chinese credit manager (Wang Fang) can be given it.
    odoo_once -i base || rc=$?
    [ "$rc" -ne 0 ] || odoo_once --load-language=zh_CN || rc=$?
    [ "$rc" -ne 0 ] || odoo_once -i "$CC_ADDONS_CSV" || rc=$?
    missing_addons
    if [ "$rc" -ne 0 ] || [ -n "$MISSING_CSV" ]; then
        cc_die "installing $CC_ADDONS_CSV in $DEMO_DB failed (exit $rc, not installed: ${MISSING_CSV:-none}; log: $DEMO_INSTALL_LOG)"
    fi
    echo "$stamp_want" > "$STAMP"
    cc_log "Demo database ready in $((SECONDS - t0)) s"
fi

if [ "$action" = screenshots ]; then
    SHOTS_DIR="$REPO_ROOT/$CC_MODULE/static/description/screenshots"
    cc_log "Serving $DEMO_DB on port $DEMO_PORT for the screenshots (log: .data/log/demo.log)"
    "${CC_ODOO[@]}" -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" --http-interface=127.0.0.1 \
        --http-port="$DEMO_PORT" --workers 0 --max-cron-threads 0 >> "$DEMO_LOG" 2>&1 &
    ODOO_PID=$!
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$DEMO_PORT/web/login" && break
        kill -0 "$ODOO_PID" 2>/dev/null || { print_odoo_errors "$DEMO_LOG"; cc_die "Odoo did not start"; }
        sleep 0.2
    done
    rc=0
    "$CC_VENV/bin/python" "$REPO_ROOT/tools/screenshots.py" --url "http://127.0.0.1:$DEMO_PORT" \
        --db "$DEMO_DB" --out "$SHOTS_DIR" ${SHOTS:+--only "$SHOTS"} || rc=$?
    stop_odoo
    [ "$rc" -eq 0 ] || cc_die "some screenshots failed (see above; Odoo's log: $DEMO_LOG)"
    cc_log "Screenshots in ${SHOTS_DIR#"$REPO_ROOT"/}"
    exit 0
fi

url_host="$DEMO_HOST"
[ "$url_host" != 0.0.0.0 ] || url_host=127.0.0.1
cc_log "Serving Odoo: http://$url_host:$DEMO_PORT/odoo   (database $DEMO_DB)"
cc_log "Login: admin   Password: admin"
cc_log "Log: .data/log/demo.log. Press Ctrl-C to stop Odoo and PostgreSQL."

"${CC_ODOO[@]}" -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" \
    --http-interface="$DEMO_HOST" --http-port="$DEMO_PORT" \
    --workers 0 --max-cron-threads 1 "$@" >> "$DEMO_LOG" 2>&1 &
ODOO_PID=$!
# Odoo's errors while serving are shown here too; everything else stays in the log.
(trap '' INT TERM; exec tail -n0 -F "$DEMO_LOG" 2>/dev/null \
    | grep --line-buffered -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' >&2) &
TAIL_PID=$!
set +e
wait "$ODOO_PID"
rc=$?
set -e
ODOO_PID=""
cc_log "Odoo exited with code $rc"
exit "$rc"
