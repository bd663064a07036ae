# shellcheck shell=bash
# Shared functions of the credit_control run/test harness.
# Sourced by tools/setup.sh, tools/pg.sh, tools/test.sh and tools/demo.sh; never run directly.
#
# Everything below can be overridden from the environment (see tools/README-harness.md):
#   ODOO_SRC                    Odoo 18.0 source tree (default: $CC_CACHE_DIR/odoo-18.0, cloned if absent)
#   CREDIT_CONTROL_CACHE_DIR    cache dir (default: ${XDG_CACHE_HOME:-$HOME/.cache}/credit_control)
#   CREDIT_CONTROL_VENV         virtualenv (default: $CC_CACHE_DIR/venv)
#   CREDIT_CONTROL_PYTHON       interpreter used to create the virtualenv (default: python3)
#   CREDIT_CONTROL_ADDONS_DIR   folder holding the addons: credit_control and its bridges (default: the repo root)
#   CREDIT_CONTROL_PGPORT       port of the private PostgreSQL cluster (default: 54329)
#   CREDIT_CONTROL_DB_USER      login role Odoo uses in the private cluster (default: odoo)
#   CREDIT_CONTROL_PG_BINDIR    PostgreSQL server binaries (default: `pg_config --bindir`, /usr/lib/postgresql/*/bin)
#   PGHOST [PGPORT PGUSER PGPASSWORD]  use that server instead of the private cluster

set -euo pipefail

# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------
CC_TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$CC_TOOLS_DIR/.." && pwd -P)"

if [ -z "${HOME:-}" ]; then
    HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"
    export HOME
fi

CC_CACHE_DIR="${CREDIT_CONTROL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/credit_control}"
CC_ODOO_DEFAULT_SRC="$CC_CACHE_DIR/odoo-18.0"
CC_ODOO_GIT_URL="${CREDIT_CONTROL_ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
CC_VENV="${CREDIT_CONTROL_VENV:-$CC_CACHE_DIR/venv}"
CC_PYTHON="${CREDIT_CONTROL_PYTHON:-python3}"
CC_ADDONS_DIR="${CREDIT_CONTROL_ADDONS_DIR:-$REPO_ROOT}"
CC_MODULE="credit_control"               # the main addon; cc_discover_addons lists all of them

CC_DATA_DIR="$REPO_ROOT/.data"
CC_LOG_DIR="$CC_DATA_DIR/log"
CC_ODOO_DATA_DIR="$CC_DATA_DIR/odoo"      # Odoo's --data-dir (filestore, sessions)
CC_ODOO_CONF="$CC_DATA_DIR/odoo.conf"     # generated; handy for `odoo-bin -c .data/odoo.conf shell`

CC_PG_PORT="${CREDIT_CONTROL_PGPORT:-54329}"
CC_DB_USER_PRIVATE="${CREDIT_CONTROL_DB_USER:-odoo}"
CC_PG_LINK="$CC_DATA_DIR/pg"              # real folder, or symlink to a fallback folder

# Bumped when the way the virtualenv is built changes (forces a rebuild).
CC_VENV_RECIPE=3

# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------
cc_log()  { printf '==> %s\n' "$*"; }
cc_info() { printf '    %s\n' "$*"; }
cc_warn() { printf '==> WARNING: %s\n' "$*" >&2; }
cc_die()  { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }

cc_is_root() { [ "$(id -u)" -eq 0 ]; }

cc_hash() {  # short, stable hash of a string
    printf '%s' "$1" | sha256sum | cut -c1-12
}

# ---------------------------------------------------------------------------
# System packages (Debian): installed with apt-get when running as root
# ---------------------------------------------------------------------------
CC_APT_UPDATED=""

cc_dpkg_installed() {  # pkg
    command -v dpkg-query >/dev/null 2>&1 || return 1
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# cc_apt_install PKG...: install Debian packages; returns non-zero when it can't.
cc_apt_install() {
    if ! cc_is_root; then
        cc_warn "not root: cannot apt-get install $*"
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        cc_warn "apt-get not found: cannot install $*"
        return 1
    fi
    cc_log "Installing Debian packages: $*"
    local apt_opts=(-y -q --no-install-recommends -o Dpkg::Use-Pty=0)
    # Try with the current package lists first, refresh them once if that fails.
    if [ -z "$CC_APT_UPDATED" ]; then
        if DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" "$@" >/dev/null 2>&1; then
            return 0
        fi
        cc_info "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || cc_warn "apt-get update failed"
        CC_APT_UPDATED=1
    fi
    # Second try shows apt's output so the reason of a failure is visible.
    DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" "$@" \
        | grep -v -E '^(Selecting|Preparing|Unpacking|Setting up|Processing|\(Reading)' || true
    local p
    for p in "$@"; do
        cc_dpkg_installed "$p" || return 1
    done
}

# cc_require_cmd CMD DEBIAN_PKG [why]: make sure a command exists, installing its package as root.
cc_require_cmd() {
    local cmd="$1" pkg="$2" why="${3:-}"
    command -v "$cmd" >/dev/null 2>&1 && return 0
    cc_apt_install "$pkg" || true
    command -v "$cmd" >/dev/null 2>&1 && return 0
    cc_die "'$cmd' is required${why:+ ($why)} but missing: install the Debian package '$pkg' (sudo apt-get install $pkg) and retry"
}

# ---------------------------------------------------------------------------
# Odoo source
# ---------------------------------------------------------------------------
# Sets ODOO_SRC (absolute path of an Odoo 18.0 tree containing odoo-bin).
cc_find_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo-bin" ] \
            || cc_die "ODOO_SRC=$ODOO_SRC does not contain odoo-bin (it must point to an Odoo 18.0 source tree)"
        cc_log "Odoo source: $ODOO_SRC (from ODOO_SRC)"
    elif [ -f "$CC_ODOO_DEFAULT_SRC/odoo-bin" ]; then
        ODOO_SRC="$CC_ODOO_DEFAULT_SRC"
        cc_log "Odoo source: $ODOO_SRC"
    else
        if [ -e "$CC_ODOO_DEFAULT_SRC" ] && [ -n "$(ls -A "$CC_ODOO_DEFAULT_SRC" 2>/dev/null)" ]; then
            cc_die "$CC_ODOO_DEFAULT_SRC exists but holds no odoo-bin: remove it, or unpack Odoo 18.0 there, or set ODOO_SRC"
        fi
        cc_log "Odoo 18.0 not found: cloning $CC_ODOO_GIT_URL (branch 18.0) into $CC_ODOO_DEFAULT_SRC"
        cc_require_cmd git git "to download Odoo"
        mkdir -p "$CC_CACHE_DIR"
        local tmp="$CC_ODOO_DEFAULT_SRC.partial.$$"
        rm -rf "$tmp"
        if ! git clone --quiet --depth 1 --branch 18.0 "$CC_ODOO_GIT_URL" "$tmp"; then
            rm -rf "$tmp"
            cc_die "could not download Odoo 18.0 (no network?). Either set ODOO_SRC=/path/to/odoo-18.0, or unpack an Odoo 18.0 source tree (the folder holding odoo-bin) at $CC_ODOO_DEFAULT_SRC, then retry."
        fi
        rmdir "$CC_ODOO_DEFAULT_SRC" 2>/dev/null || true
        mv "$tmp" "$CC_ODOO_DEFAULT_SRC"
        ODOO_SRC="$CC_ODOO_DEFAULT_SRC"
    fi
    ODOO_SRC="$(cd "$ODOO_SRC" && pwd -P)"
    if ! grep -Eq '^version_info = \(18, 0,' "$ODOO_SRC/odoo/release.py" 2>/dev/null; then
        cc_die "$ODOO_SRC is not Odoo 18.0 ($(grep -E '^version_info' "$ODOO_SRC/odoo/release.py" 2>/dev/null || echo 'no odoo/release.py'))"
    fi
    [ -f "$ODOO_SRC/requirements.txt" ] || cc_die "$ODOO_SRC/requirements.txt is missing"
    export ODOO_SRC
}

# ---------------------------------------------------------------------------
# Virtualenv
# ---------------------------------------------------------------------------
cc_python_has_headers() {  # python
    "$1" - <<'PY' 2>/dev/null
import os, sys, sysconfig
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
PY
}

cc_ldap_headers_present() {
    if cc_dpkg_installed libldap2-dev && cc_dpkg_installed libsasl2-dev; then
        return 0
    fi
    [ -f /usr/include/ldap.h ] && [ -f /usr/include/sasl/sasl.h ]
}

cc_libpq_dev_present() {
    command -v pg_config >/dev/null 2>&1 && [ -f "$(pg_config --includedir 2>/dev/null)/libpq-fe.h" ]
}

# Build dependencies of the few requirements that have no wheel (psycopg2, python-ldap, cbor2).
cc_ensure_build_deps() {
    command -v "$CC_PYTHON" >/dev/null 2>&1 || cc_require_cmd "$CC_PYTHON" python3 "to create the virtualenv"
    if ! "$CC_PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        cc_apt_install python3-venv || true
        "$CC_PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 \
            || cc_die "$CC_PYTHON cannot create virtualenvs (install the Debian package python3-venv)"
    fi
    if ! cc_python_has_headers "$CC_PYTHON"; then
        cc_apt_install python3-dev || true
        cc_python_has_headers "$CC_PYTHON" \
            || cc_die "Python headers (Python.h) for $CC_PYTHON are missing: install python3-dev"
    fi
    if ! command -v gcc >/dev/null 2>&1 && ! command -v cc >/dev/null 2>&1; then
        cc_apt_install gcc libc6-dev || true
        command -v gcc >/dev/null 2>&1 || command -v cc >/dev/null 2>&1 \
            || cc_die "a C compiler is needed to build psycopg2: install gcc"
    fi
    # psycopg2 (no wheel) is built against libpq: needs pg_config from libpq-dev.
    if ! cc_libpq_dev_present; then
        cc_apt_install libpq-dev || true
        cc_libpq_dev_present || cc_die "pg_config and libpq headers are needed to build psycopg2: install libpq-dev"
    fi
    # python-ldap (only used by Odoo's auth_ldap) needs the LDAP/SASL headers.
    CC_WITH_LDAP=1
    if ! cc_ldap_headers_present; then
        cc_apt_install libldap2-dev libsasl2-dev || true
        if ! cc_ldap_headers_present; then
            cc_warn "libldap2-dev/libsasl2-dev unavailable: leaving python-ldap out (only Odoo's auth_ldap needs it)"
            CC_WITH_LDAP=0
        fi
    fi
}

cc_venv_stamp() {
    {
        echo "recipe=$CC_VENV_RECIPE"
        echo "ldap=${CC_WITH_LDAP:-1}"
        "$CC_PYTHON" -c 'import sys; print(sys.version); print(sys.base_prefix)'
        sha256sum < "$ODOO_SRC/requirements.txt"
        sha256sum < "$REPO_ROOT/requirements.txt"
        sha256sum < "$REPO_ROOT/requirements-dev.txt"
    } | sha256sum | cut -d' ' -f1
}

# Creates (or reuses) the virtualenv CC_VENV with Odoo's and the project's requirements.
cc_setup_venv() {
    [ -n "${ODOO_SRC:-}" ] || cc_find_odoo
    [ -f "$REPO_ROOT/requirements.txt" ] || cc_die "$REPO_ROOT/requirements.txt is missing"
    command -v "$CC_PYTHON" >/dev/null 2>&1 || cc_ensure_build_deps
    mkdir -p "$CC_CACHE_DIR"

    local stamp_file="$CC_VENV/.credit_control-stamp" want
    # Fast path: nothing changed since the last build (no system checks needed).
    if cc_ldap_headers_present; then CC_WITH_LDAP=1; else CC_WITH_LDAP=0; fi
    want="$(cc_venv_stamp)"
    if [ -x "$CC_VENV/bin/python" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ] \
        && "$CC_VENV/bin/python" -c 'import psycopg2, lxml, werkzeug' >/dev/null 2>&1; then
        cc_log "Virtualenv up to date: $CC_VENV"
        return 0
    fi
    cc_ensure_build_deps   # may install the LDAP headers (sets CC_WITH_LDAP)
    want="$(cc_venv_stamp)"

    # Serialise concurrent builds (e.g. `make demo` and `make test` started together).
    local lock="$CC_CACHE_DIR/.venv.lock"
    exec 9>"$lock"
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ]; then
        exec 9>&-
        cc_log "Virtualenv up to date: $CC_VENV"
        return 0
    fi

    local t0=$SECONDS
    cc_log "Creating virtualenv $CC_VENV (Odoo + project requirements; 1-2 minutes the first time)"
    rm -rf "$CC_VENV"
    "$CC_PYTHON" -m venv "$CC_VENV"
    local pip=("$CC_VENV/bin/python" -m pip)
    "${pip[@]}" install -qq --progress-bar off --upgrade pip \
        || cc_warn "could not upgrade pip in the virtualenv (continuing with $("${pip[@]}" --version))"

    local work
    work="$(mktemp -d)"
    # cbor2==5.4.2 (Odoo's pin for Python < 3.12) only ships an sdist that fails to build with
    # setuptools >= 81 (no pkg_resources): constrain the isolated build environment.
    printf 'setuptools<81\n' > "$work/build-constraints.txt"
    if [ "${CC_WITH_LDAP:-1}" = 1 ]; then
        cp "$ODOO_SRC/requirements.txt" "$work/odoo-requirements.txt"
    else
        grep -v -i -E '^[[:space:]]*python-ldap([^A-Za-z0-9_.-]|$)' "$ODOO_SRC/requirements.txt" \
            > "$work/odoo-requirements.txt"
    fi
    local install=("${pip[@]}" install -qq --progress-bar off
                   -r "$work/odoo-requirements.txt" -r "$REPO_ROOT/requirements.txt"
                   -r "$REPO_ROOT/requirements-dev.txt")
    local rc=0
    if "${pip[@]}" install --help 2>/dev/null | grep -q -- '--build-constraint'; then
        "${install[@]}" --build-constraint "$work/build-constraints.txt" || rc=$?
    else
        # Older pip: constraints from the environment also apply to build environments.
        PIP_CONSTRAINT="$work/build-constraints.txt" "${install[@]}" || rc=$?
    fi
    rm -rf "$work"
    if [ "$rc" -ne 0 ]; then
        exec 9>&-
        cc_die "pip install failed (exit $rc); see the errors above. The virtualenv at $CC_VENV is incomplete and will be rebuilt next time."
    fi
    "$CC_VENV/bin/python" -c 'import psycopg2, lxml, werkzeug, websocket, xlsxwriter, phonenumbers, openpyxl, requests, pylint_odoo, whool' \
        || { exec 9>&-; cc_die "the virtualenv was built but some modules do not import"; }
    echo "$want" > "$stamp_file"
    exec 9>&-
    cc_log "Virtualenv ready in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
cc_pg_external() { [ -n "${PGHOST:-}" ]; }

# Sets CC_PG_BINDIR (folder holding initdb, pg_ctl, psql).
cc_find_pg_bindir() {
    local cand dirs=()
    [ -n "${CREDIT_CONTROL_PG_BINDIR:-}" ] && dirs+=("$CREDIT_CONTROL_PG_BINDIR")
    if command -v pg_config >/dev/null 2>&1; then
        dirs+=("$(pg_config --bindir 2>/dev/null || true)")
    fi
    # shellcheck disable=SC2012
    while IFS= read -r cand; do dirs+=("$cand"); done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r)
    if command -v pg_ctl >/dev/null 2>&1; then
        dirs+=("$(dirname "$(readlink -f "$(command -v pg_ctl)")")")
    fi
    for cand in "${dirs[@]}"; do
        if [ -n "$cand" ] && [ -x "$cand/initdb" ] && [ -x "$cand/pg_ctl" ] && [ -x "$cand/postgres" ]; then
            CC_PG_BINDIR="$cand"
            return 0
        fi
    done
    return 1
}

cc_ensure_pg_server() {
    if cc_find_pg_bindir; then return 0; fi
    cc_apt_install postgresql || true
    cc_find_pg_bindir \
        || cc_die "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package 'postgresql', set CREDIT_CONTROL_PG_BINDIR, or point PGHOST at a running server"
}

# Runs a command as the owner of the private cluster (postgres when we are root).
cc_pg_as_owner() {
    if cc_is_root; then
        # From / : the owner may not be allowed into the current directory.
        (cd / && runuser -u "$CC_PG_OWNER" -- "$@")
    else
        "$@"
    fi
}

# Sets the CC_PG_* paths of the private cluster and creates its folders.
cc_pg_prepare_dirs() {
    mkdir -p "$CC_DATA_DIR" "$CC_LOG_DIR"
    local key
    key="$(cc_hash "$REPO_ROOT")"

    if cc_is_root; then
        CC_PG_OWNER=postgres
        if [ -d "$CC_PG_LINK/data" ]; then
            CC_PG_OWNER="$(stat -c %U "$CC_PG_LINK/data")"
        fi
        id "$CC_PG_OWNER" >/dev/null 2>&1 \
            || cc_die "PostgreSQL refuses to run as root and there is no '$CC_PG_OWNER' system user (install the Debian package 'postgresql', which creates it)"
        command -v runuser >/dev/null 2>&1 || cc_die "runuser (util-linux) is required to run PostgreSQL as $CC_PG_OWNER"
    else
        CC_PG_OWNER="$(id -un)"
    fi

    if [ -L "$CC_PG_LINK" ]; then
        CC_PG_ROOT="$(readlink "$CC_PG_LINK")"
        if [ ! -d "$CC_PG_ROOT" ]; then   # e.g. /var/tmp was cleaned: start afresh
            mkdir -p "$CC_PG_ROOT"
            chmod 700 "$CC_PG_ROOT"
        fi
    elif [ -d "$CC_PG_LINK" ]; then
        CC_PG_ROOT="$CC_PG_LINK"
    elif cc_is_root && ! runuser -u "$CC_PG_OWNER" -- test -x "$CC_DATA_DIR" 2>/dev/null; then
        # The repo lives somewhere the postgres user cannot traverse (e.g. under a 0700 home):
        # keep the cluster in a world-traversable place and link it from .data/pg.
        CC_PG_ROOT="/var/tmp/credit_control-$key"
        cc_log "User $CC_PG_OWNER cannot reach $CC_DATA_DIR: cluster goes to $CC_PG_ROOT (linked from .data/pg)"
        mkdir -p "$CC_PG_ROOT"
        chmod 700 "$CC_PG_ROOT"
        ln -s "$CC_PG_ROOT" "$CC_PG_LINK"
    else
        mkdir -p "$CC_PG_LINK"
        chmod 700 "$CC_PG_LINK"
        CC_PG_ROOT="$CC_PG_LINK"
    fi
    CC_PG_ROOT="$(cd "$CC_PG_ROOT" && pwd -P)"
    if cc_is_root; then
        chown "$CC_PG_OWNER": "$CC_PG_ROOT"
        chmod 700 "$CC_PG_ROOT"
    fi
    CC_PGDATA="$CC_PG_ROOT/data"
    CC_PG_SERVER_LOG="$CC_PG_ROOT/postgresql.log"
    ln -sfn "$CC_PG_SERVER_LOG" "$CC_LOG_DIR/postgresql.log"

    # Unix socket paths are limited to ~107 bytes: fall back to a short folder under /tmp.
    CC_PG_SOCKDIR="$CC_PG_ROOT/run"
    local sock="$CC_PG_SOCKDIR/.s.PGSQL.$CC_PG_PORT"
    if [ "${#sock}" -gt 100 ]; then
        CC_PG_SOCKDIR="/tmp/cc-pg-$key"
    fi
    mkdir -p "$CC_PG_SOCKDIR"
    if cc_is_root; then
        chown "$CC_PG_OWNER": "$CC_PG_SOCKDIR"
    elif [ ! -O "$CC_PG_SOCKDIR" ]; then
        cc_die "$CC_PG_SOCKDIR belongs to another user: remove it"
    fi
    chmod 700 "$CC_PG_SOCKDIR"
    if [ -d "$CC_PGDATA" ] && ! cc_is_root && [ ! -O "$CC_PGDATA" ]; then
        cc_die "the cluster in $CC_PGDATA belongs to user $(stat -c %U "$CC_PGDATA"): run as that user, or remove $CC_PG_LINK"
    fi
}

# Sets the connection settings Odoo and psql use: CC_DB_HOST CC_DB_PORT CC_DB_USER CC_DB_PASSWORD.
cc_pg_conn_settings() {
    if cc_pg_external; then
        CC_DB_HOST="$PGHOST"
        CC_DB_PORT="${PGPORT:-5432}"
        CC_DB_USER="${PGUSER:-$(id -un)}"
        CC_DB_PASSWORD="${PGPASSWORD:-}"
        [ "$CC_DB_USER" != postgres ] \
            || cc_die "Odoo refuses the 'postgres' role: set PGUSER to another role (with CREATEDB) on $PGHOST"
        CC_PSQL="$(command -v psql || true)"
        [ -n "$CC_PSQL" ] || { cc_find_pg_bindir && CC_PSQL="$CC_PG_BINDIR/psql"; } \
            || cc_die "psql not found: install postgresql-client"
    else
        CC_DB_HOST="$CC_PG_SOCKDIR"
        CC_DB_PORT="$CC_PG_PORT"
        CC_DB_USER="$CC_DB_USER_PRIVATE"
        CC_DB_PASSWORD=""
        CC_PSQL="$CC_PG_BINDIR/psql"
    fi
}

# Prepares everything needed to talk to PostgreSQL (without starting anything).
cc_pg_init_vars() {
    if cc_pg_external; then
        cc_pg_conn_settings
        return 0
    fi
    cc_ensure_pg_server
    cc_pg_prepare_dirs
    cc_pg_conn_settings
}

cc_pg_ctl() { cc_pg_as_owner "$CC_PG_BINDIR/pg_ctl" -D "$CC_PGDATA" "$@"; }

cc_pg_running() {
    [ -f "$CC_PGDATA/PG_VERSION" ] || return 1
    cc_pg_ctl status >/dev/null 2>&1
}

# psql as the cluster superuser (private cluster) or as PGUSER (external server);
# connects to CC_PSQL_DB when set, else to the postgres database.
cc_psql_admin() {
    if cc_pg_external; then
        "$CC_PSQL" -X -q -v ON_ERROR_STOP=1 -d "${CC_PSQL_DB:-${CREDIT_CONTROL_ADMIN_DB:-postgres}}" "$@"
    else
        "$CC_PSQL" -X -q -v ON_ERROR_STOP=1 -h "$CC_PG_SOCKDIR" -p "$CC_PG_PORT" -U postgres \
            -d "${CC_PSQL_DB:-postgres}" "$@"
    fi
}

cc_pg_initdb() {
    cc_log "Creating PostgreSQL cluster in $CC_PGDATA (as user $CC_PG_OWNER)"
    local locale=C.UTF-8
    if ! locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then locale=C; fi
    rm -rf "$CC_PGDATA"
    if ! cc_pg_as_owner "$CC_PG_BINDIR/initdb" -D "$CC_PGDATA" -U postgres --auth=trust \
            --encoding=UTF8 --locale="$locale" >"$CC_LOG_DIR/initdb.log" 2>&1; then
        cat "$CC_LOG_DIR/initdb.log" >&2
        cc_die "initdb failed (log: $CC_LOG_DIR/initdb.log)"
    fi
    echo "include_if_exists = 'credit_control.conf'" >> "$CC_PGDATA/postgresql.conf"
}

# Stops the private cluster at exit if this script started it and nobody else uses it
# (make test, make i18n: trap cc_pg_cleanup EXIT).
cc_pg_cleanup() {
    if [ "${CC_PG_STARTED:-0}" = 1 ]; then
        CC_PG_STARTED=0
        cc_pg_stop_if_idle
    fi
}

# Starts the private cluster (creating it if needed). Sets CC_PG_STARTED=1 when this call started it.
cc_pg_start() {
    CC_PG_STARTED=0
    if cc_pg_external; then
        cc_log "Using the PostgreSQL server from the environment: host=$CC_DB_HOST port=$CC_DB_PORT user=$CC_DB_USER"
        cc_psql_admin -tAc 'SELECT 1' >/dev/null \
            || cc_die "cannot connect to PostgreSQL at PGHOST=$PGHOST (check PGHOST/PGPORT/PGUSER/PGPASSWORD)"
        return 0
    fi
    if [ ! -f "$CC_PGDATA/PG_VERSION" ]; then
        cc_pg_initdb
    fi
    if cc_pg_running; then
        cc_log "PostgreSQL already running (socket $CC_PG_SOCKDIR, port $CC_PG_PORT)"
    else
        cc_log "Starting PostgreSQL (socket $CC_PG_SOCKDIR, port $CC_PG_PORT; log .data/log/postgresql.log)"
        local esc_sock=${CC_PG_SOCKDIR//\'/\'\'}
        cat > "$CC_PGDATA/credit_control.conf" <<EOF
# Written by tools/common.sh at each start: private development cluster, unix socket only.
port = $CC_PG_PORT
listen_addresses = ''
unix_socket_directories = '$esc_sock'
# Throwaway development/test data: favour speed over durability.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
        if cc_is_root; then chown "$CC_PG_OWNER": "$CC_PGDATA/credit_control.conf"; fi
        if ! cc_pg_ctl -l "$CC_PG_SERVER_LOG" -w -t 60 -s start; then
            tail -n 30 "$CC_PG_SERVER_LOG" >&2 || true
            cc_die "PostgreSQL did not start (log: $CC_LOG_DIR/postgresql.log)"
        fi
        # shellcheck disable=SC2034  # read by the calling script
        CC_PG_STARTED=1
    fi
    # Odoo refuses to connect as 'postgres': give it its own superuser role.
    if [ "$(cc_psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$CC_DB_USER'")" != 1 ]; then
        cc_log "Creating database role '$CC_DB_USER'"
        cc_psql_admin -c "CREATE ROLE \"$CC_DB_USER\" LOGIN SUPERUSER"
    fi
}

cc_pg_stop() {
    cc_pg_external && return 0
    if cc_pg_running; then
        cc_log "Stopping PostgreSQL"
        cc_pg_ctl -m fast -w -t 60 -s stop || cc_warn "pg_ctl stop failed"
    fi
}

# Stops the cluster unless another client (e.g. a running `make demo`) still uses it.
cc_pg_stop_if_idle() {
    cc_pg_external && return 0
    cc_pg_running || return 0
    local others
    others="$(cc_psql_admin -tAc "SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL AND pid <> pg_backend_pid()" 2>/dev/null || echo 0)"
    if [ "${others:-0}" != 0 ]; then
        cc_log "Leaving PostgreSQL running: $others other connection(s) use it"
        return 0
    fi
    cc_pg_stop
}

cc_db_exists() {  # name
    [ "$(cc_psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

cc_db_drop() {  # name: drops the database and its filestore
    if cc_db_exists "$1"; then
        cc_log "Dropping database $1"
        cc_psql_admin -c "DROP DATABASE \"$1\" WITH (FORCE)"
    fi
    rm -rf "$CC_ODOO_DATA_DIR/filestore/$1"
}

# ---------------------------------------------------------------------------
# Odoo
# ---------------------------------------------------------------------------
cc_check_addon() {
    [ -f "$CC_ADDONS_DIR/$CC_MODULE/__manifest__.py" ] \
        || cc_die "no $CC_MODULE addon in $CC_ADDONS_DIR (expected $CC_ADDONS_DIR/$CC_MODULE/__manifest__.py; CREDIT_CONTROL_ADDONS_DIR overrides the folder)"
    CC_ADDONS_DIR="$(cd "$CC_ADDONS_DIR" && pwd -P)"
    cc_discover_addons
}

# Sets CC_ADDONS (array) and CC_ADDONS_CSV (comma-separated): the addons of the repository, i.e.
# the folders of CC_ADDONS_DIR holding a __manifest__.py, CC_MODULE first, then the others sorted
# (byte order), e.g. credit_control credit_control_queue credit_control_stock.
cc_discover_addons() {
    local manifest name
    CC_ADDONS=()
    [ -f "$CC_ADDONS_DIR/$CC_MODULE/__manifest__.py" ] && CC_ADDONS+=("$CC_MODULE")
    while IFS= read -r manifest; do
        [ -n "$manifest" ] || continue
        name="$(basename "$(dirname "$manifest")")"
        [ "$name" = "$CC_MODULE" ] || CC_ADDONS+=("$name")
    done < <(shopt -s nullglob; printf '%s\n' "$CC_ADDONS_DIR"/*/__manifest__.py | LC_ALL=C sort)
    [ "${#CC_ADDONS[@]}" -gt 0 ] || cc_die "no addon (folder with a __manifest__.py) in $CC_ADDONS_DIR"
    # shellcheck disable=SC2034  # read by the calling scripts
    CC_ADDONS_CSV="$(IFS=,; echo "${CC_ADDONS[*]}")"
}

# Sets CC_ODOO (command array) and writes .data/odoo.conf (same settings, for manual use).
cc_odoo_cmd() {
    mkdir -p "$CC_ODOO_DATA_DIR" "$CC_LOG_DIR"
    local addons_path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$CC_ADDONS_DIR"
    {
        echo "; Generated by tools/common.sh: the settings \`make demo\` / \`make test\` use."
        echo "; Example: $CC_VENV/bin/python $ODOO_SRC/odoo-bin -c .data/odoo.conf shell -d credit_control_demo"
        echo "[options]"
        echo "addons_path = $addons_path"
        echo "data_dir = $CC_ODOO_DATA_DIR"
        echo "db_host = $CC_DB_HOST"
        echo "db_port = $CC_DB_PORT"
        echo "db_user = $CC_DB_USER"
        [ -z "$CC_DB_PASSWORD" ] || echo "db_password = $CC_DB_PASSWORD"
    } > "$CC_ODOO_CONF"
    chmod 600 "$CC_ODOO_CONF"
    CC_ODOO=("$CC_VENV/bin/python" "$ODOO_SRC/odoo-bin"
             -c "$CC_ODOO_CONF"
             --addons-path="$addons_path"
             --data-dir="$CC_ODOO_DATA_DIR"
             --db_host="$CC_DB_HOST" --db_port="$CC_DB_PORT" --db_user="$CC_DB_USER")
    [ -z "$CC_DB_PASSWORD" ] || CC_ODOO+=(--db_password="$CC_DB_PASSWORD")
}

cc_free_port() {
    "$CC_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cc_port_free() {  # host port
    "$CC_VENV/bin/python" - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
PY
}

# Installs the OCA addons of requirements-oca.txt into the virtualenv (wheels, --no-deps), again
# only when that file changes: its own stamp, so adding an addon never rebuilds the virtualenv.
cc_setup_oca_addons() {
    local req="$REPO_ROOT/requirements-oca.txt" stamp_file="$CC_VENV/.credit_control-oca-stamp" want
    [ -f "$req" ] || return 0
    want="$(sha256sum < "$req" | cut -d' ' -f1)"
    [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ] && return 0
    local lock="$CC_CACHE_DIR/.venv.lock"
    exec 9>"$lock"
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if ! [ -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$want" ]; then
        cc_log "Installing the OCA addons of requirements-oca.txt into $CC_VENV"
        "$CC_VENV/bin/python" -m pip install -qq --progress-bar off --no-deps -r "$req" \
            || { exec 9>&-; cc_die "pip could not install the OCA addons of $req (see the errors above)"; }
        echo "$want" > "$stamp_file"
    fi
    exec 9>&-
}

# The common first steps of demo and test.
cc_setup_all() {
    cc_find_odoo
    cc_check_addon
    cc_setup_venv
    cc_setup_oca_addons
    cc_ensure_wkhtmltopdf
    cc_ensure_cjk_font
    cc_pg_init_vars
}

# Chinese screens (zh_CN tours, screenshots, PDFs) show boxes without a CJK font: Debian's
# fonts-wqy-zenhei (16 MB) is installed when fontconfig knows no font for Chinese.
cc_ensure_cjk_font() {
    if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n1)" ]; then
        return 0
    fi
    cc_log "Installing a CJK font (fonts-wqy-zenhei) for the Chinese screens"
    cc_apt_install fonts-wqy-zenhei fontconfig || true
    command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n1)" ] \
        || cc_warn "no CJK font (Debian package 'fonts-wqy-zenhei'): Chinese shows as boxes in tours, screenshots and PDFs"
}

cc_ensure_wkhtmltopdf() {
    command -v wkhtmltopdf >/dev/null 2>&1 && return 0
    cc_apt_install wkhtmltopdf || true
    command -v wkhtmltopdf >/dev/null 2>&1 \
        || cc_warn "wkhtmltopdf is missing (Debian package 'wkhtmltopdf'): PDF reports will not render"
}
