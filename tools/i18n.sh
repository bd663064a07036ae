#!/usr/bin/env bash
# `make i18n`: install every addon of the repository (credit_control and its bridges, with demo
# data, as make test does) in a fresh database, then, for each addon, export its terms with
# odoo-bin --i18n-export into <addon>/i18n/<addon>.pot and merge them into every .po of that
# folder (tools/update_translations.py; a language credit_control ships that the addon lacks
# gets its .po).
#
# Variables: I18N_DB (default credit_control_i18n), plus those listed in tools/common.sh.
# Arguments go to tools/update_translations.py for each addon, e.g. --compendium FILE.po.
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
cc_log "Installing $CC_ADDONS_CSV in $I18N_DB (log: .data/log/i18n-install.log)"
"${CC_ODOO[@]}" -d "$I18N_DB" -i "$CC_ADDONS_CSV" --stop-after-init --workers 0 --max-cron-threads 0 \
    --http-port="$(cc_free_port)" > "$I18N_LOG" 2>&1 \
    || { tail -n 30 "$I18N_LOG" >&2; cc_die "installing $CC_ADDONS_CSV failed (log: $I18N_LOG)"; }
for addon in "${CC_ADDONS[@]}"; do
    cc_log "$addon: exporting the terms and merging them into the .po files"
    "$CC_VENV/bin/python" "$CC_TOOLS_DIR/update_translations.py" --odoo-src "$ODOO_SRC" --db "$I18N_DB" \
        --module "$addon" --i18n-dir "$CC_ADDONS_DIR/$addon/i18n" \
        --main-i18n-dir "$CC_ADDONS_DIR/$CC_MODULE/i18n" "$@" -- "${CC_ODOO[@]:2}"
done
cc_db_drop "$I18N_DB"
