#!/usr/bin/env bash
# Private PostgreSQL cluster of the project (under .data/pg, unix socket only).
#   tools/pg.sh start | stop | status | psql [psql args...] | drop-db NAME
# With PGHOST set, the commands act on that server instead (start/stop do nothing).
set -euo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cmd="${1:-status}"
[ $# -gt 0 ] && shift
cc_pg_init_vars
case "$cmd" in
    start)
        cc_pg_start
        ;;
    stop)
        cc_pg_stop
        ;;
    status)
        if cc_pg_external; then
            cc_log "External server: host=$CC_DB_HOST port=$CC_DB_PORT user=$CC_DB_USER"
        elif cc_pg_running; then
            cc_log "Running: data $CC_PGDATA, socket $CC_PG_SOCKDIR, port $CC_PG_PORT, role $CC_DB_USER"
            cc_psql_admin -c '\l'
        else
            cc_log "Not running (data: $CC_PGDATA)"
            exit 3
        fi
        ;;
    psql)
        cc_pg_running || cc_pg_external || cc_die "the cluster is not running: tools/pg.sh start"
        if cc_pg_external; then
            exec "$CC_PSQL" "$@"
        fi
        exec "$CC_PSQL" -h "$CC_PG_SOCKDIR" -p "$CC_PG_PORT" -U "$CC_DB_USER" -d postgres "$@"
        ;;
    drop-db)
        [ $# -eq 1 ] || cc_die "usage: tools/pg.sh drop-db NAME"
        cc_pg_running || cc_pg_external || cc_die "the cluster is not running: tools/pg.sh start"
        cc_db_drop "$1"
        ;;
    *)
        cc_die "usage: tools/pg.sh start|stop|status|psql [args]|drop-db NAME"
        ;;
esac
