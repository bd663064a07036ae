# credit_control: run/test harness (see tools/README-harness.md). The addons are the folders of the
# repository root holding a __manifest__.py: credit_control first, then its bridges, sorted.
#   make demo    serve Odoo 18 with the addons and demo data on http://127.0.0.1:8069 (admin/admin)
#   make test    fresh database, install the addons, run their tests; ends with "N passed, N failed"

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Empty: tools/test.sh uses /<addon> for every addon (/credit_control,/credit_control_stock,...).
TEST_TAGS ?=
# Empty: tools/test.sh installs every addon (-i credit_control,credit_control_stock,...).
TEST_INSTALL ?=
DEMO_PORT ?= 8069
# Extra odoo-bin arguments, e.g. make test ODOO_ARGS="--log-level=debug"
ODOO_ARGS ?=
# Extra tools/update_translations.py arguments, e.g. make i18n I18N_ARGS="--compendium fr.po"
I18N_ARGS ?=

comma := ,
.PHONY: help demo screenshots test test-odoo i18n demo-reset setup pg-start pg-stop pg-status stop psql clean-data

help:
	@echo "make demo        serve Odoo with the addons + demo data on 127.0.0.1:$(DEMO_PORT) (admin/admin)"
	@echo "make test        run the tests of every addon (TEST_TAGS=$(or $(TEST_TAGS),/<addon>$(comma)... of every addon))"
	@echo "make test-odoo   Odoo's /sale, /sale_management, /account suites with credit_control (WITHOUT=1: without)"
	@echo "make i18n        export each addon's terms into <addon>/i18n/<addon>.pot, merge them into its .po files"
	@echo "make screenshots the READMEs' screenshots from the demo database (SHOTS=overview,hold: some)"
	@echo "make demo-reset  drop the demo database (recreated by the next make demo)"
	@echo "make setup       find Odoo and build the virtualenv only"
	@echo "make pg-start | pg-stop | pg-status | psql   the private PostgreSQL cluster"
	@echo "make clean-data  stop PostgreSQL and delete .data/ (databases, filestore, logs)"

demo:
	@DEMO_PORT="$(DEMO_PORT)" bash tools/demo.sh serve $(ODOO_ARGS)

screenshots:
	@SHOTS="$(SHOTS)" bash tools/demo.sh screenshots

test:
	@TEST_TAGS="$(TEST_TAGS)" TEST_INSTALL="$(TEST_INSTALL)" bash tools/test.sh $(ODOO_ARGS)

# Odoo's own suites with credit_control installed at its defaults (WITHOUT=1: the same suites
# without it, to compare). Not part of make test: about an hour on 2 cores.
ODOO_SUITES ?= /sale,/sale_management,/account
# The stock bridge: make test-odoo ODOO_SUITES=/stock,/sale_stock ODOO_INSTALL=credit_control_stock
#                   ODOO_WITHOUT_INSTALL=sale_stock ODOO_RUN=stock (WITHOUT=1: without)
ODOO_INSTALL ?= credit_control
ODOO_WITHOUT_INSTALL ?= sale_management$(comma)account
ODOO_RUN ?= odoo$(if $(WITHOUT),-without,)
test-odoo:
	@TEST_TAGS="$(ODOO_SUITES)" TEST_GATES=0 TEST_DB=credit_control_$(subst -,_,$(ODOO_RUN)) \
	    TEST_LOG=$(CURDIR)/.data/log/test-$(ODOO_RUN).log QUALITY_RESULTS=$(CURDIR)/.data/log/quality-$(ODOO_RUN).txt \
	    TEST_INSTALL="$(if $(WITHOUT),$(ODOO_WITHOUT_INSTALL),$(ODOO_INSTALL))" bash tools/test.sh $(ODOO_ARGS)

i18n:
	@bash tools/i18n.sh $(I18N_ARGS)

demo-reset:
	@bash tools/demo.sh reset

setup:
	@bash tools/setup.sh

pg-start:
	@bash tools/pg.sh start

pg-stop stop:
	@bash tools/pg.sh stop

pg-status:
	@bash tools/pg.sh status

psql:
	@bash tools/pg.sh psql

clean-data:
	@bash tools/pg.sh stop
	@if [ -L .data/pg ]; then rm -rf "$$(readlink .data/pg)"; fi
	@rm -rf .data
	@echo "==> Removed .data/"
