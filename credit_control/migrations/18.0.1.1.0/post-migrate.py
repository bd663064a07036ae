"""18.0.1.1.0: promises to pay were fields of the customer (per company) and of the invoice;
they become ``credit.promise`` records (open while not due, settled by the next dunning run)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def _column_exists(cr, table, column):
    cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s", [table, column])
    return bool(cr.fetchone())


def migrate(cr, version):
    if _column_exists(cr, "account_move", "credit_promise_date"):
        cr.execute(
            """
            INSERT INTO credit_promise (partner_id, move_id, company_id, currency_id, date, amount, amount_due,
                                        date_since, state, user_id, create_uid, create_date, write_uid, write_date)
            SELECT m.commercial_partner_id, m.id, m.company_id, m.currency_id, m.credit_promise_date,
                   m.credit_promise_amount, COALESCE(m.credit_promise_residual, m.amount_residual),
                   m.write_date::date, 'open', m.write_uid, 1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
              FROM account_move m
             WHERE m.credit_promise_date IS NOT NULL AND COALESCE(m.credit_promise_amount, 0) > 0
            """
        )
        _logger.info("credit_control: %s invoice promises to pay kept as records", cr.rowcount)

    if _column_exists(cr, "res_partner", "credit_promise_date"):
        # company-dependent columns: {company id: value}
        cr.execute(
            """
            INSERT INTO credit_promise (partner_id, company_id, currency_id, date, amount, amount_due, date_since,
                                        state, create_uid, create_date, write_uid, write_date)
            SELECT p.id, d.key::int, c.currency_id, d.value::date, (a.value)::numeric, (a.value)::numeric,
                   COALESCE((s.value)::date, p.write_date::date), 'open',
                   1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
              FROM res_partner p
              JOIN LATERAL jsonb_each_text(p.credit_promise_date) d ON d.value IS NOT NULL
              JOIN res_company c ON c.id = d.key::int
              JOIN LATERAL jsonb_each_text(p.credit_promise_amount) a ON a.key = d.key AND (a.value)::numeric > 0
         LEFT JOIN LATERAL jsonb_each_text(p.credit_promise_since) s ON s.key = d.key
             WHERE p.credit_promise_date IS NOT NULL
            """
        )
        _logger.info("credit_control: %s customer promises to pay kept as records", cr.rowcount)
    # The dunning email shows one total per currency of its lines: the shipped template (in a
    # noupdate block) is reset to the new text.
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("credit_control.mail_template_credit_dunning", raise_if_not_found=False)
    if template:
        # the file moved into the dunning package; the template in a noupdate block still names the old one
        template.template_fs = "credit_control/data/dunning/credit_dunning_data.xml"
        template.reset_template()
        _logger.info("credit_control: dunning email template reset to its per-currency totals")
