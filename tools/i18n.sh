#!/usr/bin/env bash
# `make i18n`: install credit_control (with demo data, as make test does) in a fresh database,
# export its terms with odoo-bin --i18n-export into credit_control/i18n/credit_control.pot and
# merge them into every .po of that folder (tools/update_translations.py).
#
# Variables: I18N_DB (default credit_control_i18n), plus those listed in tools/common.sh.
# Arguments go to tools/update_translations.py, e.g. --compendium FILE.po.
set -euo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

I18N_DB="${I18N_DB:-credit_control_i18n}"
I18N_LOG="$CC_LOG_DIR/i18n-install.log"

cc_setup_all
CC_PG_STARTED=0
trap cc_pg_cleanup EXIT

cc_pg_start
cc_db_drop "$I18N_DB"
cc_odoo_cmd
cc_log "Installing $CC_MODULE in $I18N_DB (log: .data/log/i18n-install.log)"
"${CC_ODOO[@]}" -d "$I18N_DB" -i "$CC_MODULE" --stop-after-init --workers 0 --max-cron-threads 0 \
    --http-port="$(cc_free_port)" > "$I18N_LOG" 2>&1 \
    || { tail -n 30 "$I18N_LOG" >&2; cc_die "installing $CC_MODULE failed (log: $I18N_LOG)"; }
cc_log "Exporting the terms and merging them into the .po files"
"$CC_VENV/bin/python" "$CC_TOOLS_DIR/update_translations.py" --odoo-src "$ODOO_SRC" --db "$I18N_DB" \
    --i18n-dir "$CC_ADDONS_DIR/$CC_MODULE/i18n" "$@" -- "${CC_ODOO[@]:2}"
cc_db_drop "$I18N_DB"
