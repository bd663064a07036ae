# credit_control: run/test harness (see tools/README-harness.md).
#   make demo    serve Odoo 18 with credit_control and demo data on http://127.0.0.1:8069 (admin/admin)
#   make test    fresh database, install credit_control, run its tests; ends with "N passed, N failed"

SHELL := /bin/bash
.DEFAULT_GOAL := help

TEST_TAGS ?= /credit_control
DEMO_PORT ?= 8069
# Extra odoo-bin arguments, e.g. make test ODOO_ARGS="--log-level=debug"
ODOO_ARGS ?=
# Extra tools/update_translations.py arguments, e.g. make i18n I18N_ARGS="--compendium fr.po"
I18N_ARGS ?=

comma := ,
.PHONY: help demo test test-odoo i18n demo-reset setup pg-start pg-stop pg-status stop psql clean-data

help:
	@echo "make demo        serve Odoo with credit_control + demo data on 127.0.0.1:$(DEMO_PORT) (admin/admin)"
	@echo "make test        run the credit_control tests (TEST_TAGS=$(TEST_TAGS))"
	@echo "make test-odoo   Odoo's /sale, /sale_management, /account suites with credit_control (WITHOUT=1: without)"
	@echo "make i18n        export the terms into credit_control/i18n/credit_control.pot, merge them into the .po files"
	@echo "make demo-reset  drop the demo database (recreated by the next make demo)"
	@echo "make setup       find Odoo and build the virtualenv only"
	@echo "make pg-start | pg-stop | pg-status | psql   the private PostgreSQL cluster"
	@echo "make clean-data  stop PostgreSQL and delete .data/ (databases, filestore, logs)"

demo:
	@DEMO_PORT="$(DEMO_PORT)" bash tools/demo.sh serve $(ODOO_ARGS)

test:
	@TEST_TAGS="$(TEST_TAGS)" bash tools/test.sh $(ODOO_ARGS)

# Odoo's own suites with credit_control installed at its defaults (WITHOUT=1: the same suites
# without it, to compare). Not part of make test: about an hour on 2 cores.
ODOO_SUITES ?= /sale,/sale_management,/account
ODOO_RUN ?= odoo$(if $(WITHOUT),-without,)
test-odoo:
	@TEST_TAGS="$(ODOO_SUITES)" TEST_GATES=0 TEST_DB=credit_control_$(subst -,_,$(ODOO_RUN)) \
	    TEST_LOG=$(CURDIR)/.data/log/test-$(ODOO_RUN).log QUALITY_RESULTS=$(CURDIR)/.data/log/quality-$(ODOO_RUN).txt \
	    TEST_INSTALL="$(if $(WITHOUT),sale_management$(comma)account,credit_control)" bash tools/test.sh $(ODOO_ARGS)

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
