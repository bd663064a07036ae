#!/usr/bin/env bash
# Shared setup of `make demo` and `make test` (also usable on its own: `make setup`):
# finds (or clones) Odoo 18.0, builds/reuses the virtualenv, checks system packages and
# prepares the private PostgreSQL cluster folders (without starting it).
set -euo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cc_find_odoo
cc_setup_venv
cc_setup_oca_addons
cc_ensure_wkhtmltopdf
cc_pg_init_vars
cc_log "Setup done: Odoo $ODOO_SRC, virtualenv $CC_VENV"
