"""18.0.1.1.0: feature packages.

The company defaults (scorecard, dunning policy) move from ``is_default`` flags to company
fields. The views of the addon are dropped and loaded again from the new files: some old inheriting
views name fields that moved into other models (promises to pay), and Odoo validates a view
with its inheriting views before those are updated.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute(
        """
        DELETE FROM ir_ui_view
         WHERE id IN (SELECT res_id FROM ir_model_data WHERE module = 'credit_control' AND model = 'ir.ui.view')
        """
    )
    _logger.info("credit_control: %s views dropped, loaded again from the new files", cr.rowcount)
    cr.execute("DELETE FROM ir_model_data WHERE module = 'credit_control' AND model = 'ir.ui.view'")
    # Level delays are checked in Python with a clear message; the database constraint goes.
    cr.execute("ALTER TABLE IF EXISTS credit_dunning_level DROP CONSTRAINT IF EXISTS credit_dunning_level_delay_unique")
    # The default scorecard and dunning policy become company fields: filled before anything
    # asks for a company's default (which would create a new standard one).
    for table, company_field in (
        ("credit_scorecard", "credit_scorecard_id"),
        ("credit_dunning_policy", "credit_dunning_policy_id"),
    ):
        cr.execute(SQL("ALTER TABLE res_company ADD COLUMN IF NOT EXISTS %s int4", SQL.identifier(company_field)))
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'is_default'", [table]
        )
        if not cr.fetchone():
            continue
        cr.execute(
            SQL(
                """
                UPDATE res_company c SET %(field)s = d.id
                  FROM (SELECT DISTINCT ON (company_id) id, company_id FROM %(table)s
                         WHERE is_default AND active ORDER BY company_id, id) d
                 WHERE d.company_id = c.id AND c.%(field)s IS NULL
                """,
                field=SQL.identifier(company_field),
                table=SQL.identifier(table),
            )
        )
        _logger.info("credit_control: default %s kept on %s companies", table, cr.rowcount)
