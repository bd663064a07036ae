from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ...lib.collections import cei, kept_rate


class CreditCollectionMeasure(models.Model):
    """What collections achieved, per company, month and collector (pivot and graph).

    Rows are written by ``_compute_month`` (monthly cron, or the button of the view) with one
    query per company and month over the receivable items and partial reconciliations, grouped
    by the customers' collector; the CEI and kept rate are computed by ``lib/collections.py``.
    The collector is the customer's collector when the month is computed.
    """

    _name = "credit.collection.measure"
    _description = "Collection Measure"
    _order = "month desc, company_id, user_id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, index=True, help="First day of the month.")
    user_id = fields.Many2one("res.users", string="Collector", readonly=True, index=True)
    collected = fields.Monetary(readonly=True, currency_field="currency_id", help="Receivables settled in the month.")
    receivable_begin = fields.Monetary(string="Receivables at Start", readonly=True, currency_field="currency_id")
    credit_sales = fields.Monetary(readonly=True, currency_field="currency_id", help="Invoices net of refunds.")
    receivable_end = fields.Monetary(string="Receivables at End", readonly=True, currency_field="currency_id")
    receivable_end_current = fields.Monetary(
        string="Not Due at End", readonly=True, currency_field="currency_id", help="Receivables not due at month end."
    )
    cei = fields.Float(
        string="CEI (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Collection effectiveness index: (start + sales − end) ÷ (start + sales − not due at end) × 100.",
    )
    promise_kept_count = fields.Integer(string="Promises Kept", readonly=True)
    promise_broken_count = fields.Integer(string="Promises Broken", readonly=True)
    promise_kept_rate = fields.Float(string="Kept Rate (%)", readonly=True, aggregator="avg", digits=(16, 2))

    @api.model
    def _cron_compute(self):
        """Monthly: the month just closed, for every company."""
        month = fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            self.sudo()._compute_month(company, month)

    @api.model
    def action_compute_recent(self):
        """The button of the views: this month and the previous 11, for the current company."""
        first = fields.Date.context_today(self).replace(day=1)
        for months in range(12):
            self.sudo()._compute_month(self.env.company, first - relativedelta(months=months))
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _compute_month(self, company, month):
        """Replace the rows of ``company`` and ``month`` (a date in it), one query for all collectors."""
        start = date(month.year, month.month, 1)
        end = start + relativedelta(months=1) - timedelta(days=1)
        self.env["credit.exposure"]._flush_figure_models()
        self.env["account.partial.reconcile"].flush_model()
        self.env["credit.promise"].flush_model()
        self.env["res.partner"].flush_model(["credit_collector_id", "commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
            WITH lines AS (
                SELECT aml.id, aml.balance, aml.date, COALESCE(aml.date_maturity, aml.date) AS due, m.move_type,
                       COALESCE((cp.credit_collector_id ->> %(key)s)::int, 0) AS collector
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN res_partner p ON p.id = aml.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE aml.account_id = ANY(%(account_ids)s)
                   AND aml.company_id = %(company_id)s
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %(end)s
            ),
            figures AS (
                SELECT collector,
                       COALESCE(SUM(balance) FILTER (WHERE date < %(start)s), 0) AS begin_amount,
                       COALESCE(SUM(balance) FILTER (
                           WHERE date >= %(start)s AND move_type IN ('out_invoice', 'out_refund', 'out_receipt')), 0)
                           AS sales,
                       COALESCE(SUM(balance), 0) AS end_amount,
                       COALESCE(SUM(balance - COALESCE((
                           SELECT SUM(apr.amount) FROM account_partial_reconcile apr
                            WHERE apr.debit_move_id = lines.id AND apr.max_date <= %(end)s), 0))
                           FILTER (WHERE balance > 0 AND due > %(end)s), 0) AS end_current
                  FROM lines
              GROUP BY collector
            ),
            collected AS (
                SELECT COALESCE((cp.credit_collector_id ->> %(key)s)::int, 0) AS collector, SUM(apr.amount) AS amount
                  FROM account_partial_reconcile apr
                  JOIN account_move_line aml ON aml.id = apr.debit_move_id
                  JOIN res_partner p ON p.id = aml.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE aml.account_id = ANY(%(account_ids)s)
                   AND apr.company_id = %(company_id)s
                   AND apr.max_date BETWEEN %(start)s AND %(end)s
              GROUP BY 1
            ),
            promises AS (
                SELECT COALESCE((cp.credit_collector_id ->> %(key)s)::int, 0) AS collector,
                       COUNT(*) FILTER (WHERE pr.state = 'kept') AS kept,
                       COUNT(*) FILTER (WHERE pr.state = 'broken') AS broken
                  FROM credit_promise pr
                  JOIN res_partner cp ON cp.id = pr.partner_id
                 WHERE pr.company_id = %(company_id)s AND pr.date BETWEEN %(start)s AND %(end)s
              GROUP BY 1
            )
            SELECT COALESCE(f.collector, c.collector, pr.collector),
                   COALESCE(f.begin_amount, 0), COALESCE(f.sales, 0), COALESCE(f.end_amount, 0),
                   COALESCE(f.end_current, 0), COALESCE(c.amount, 0), COALESCE(pr.kept, 0), COALESCE(pr.broken, 0)
              FROM figures f
         FULL JOIN collected c ON c.collector = f.collector
         FULL JOIN promises pr ON pr.collector = COALESCE(f.collector, c.collector)
            """,
                key=str(company.id),
                account_ids=self.env["credit.exposure"]._receivable_account_ids(),
                company_id=company.id,
                start=start,
                end=end,
            )
        )
        rows = self.env.cr.fetchall()
        self.search([("company_id", "=", company.id), ("month", "=", start)]).unlink()
        vals_list = []
        for collector, begin, sales, end_amount, end_current, collected, kept, broken in rows:
            begin, sales, end_amount, end_current = float(begin), float(sales), float(end_amount), float(end_current)
            if not (begin or sales or end_amount or collected or kept or broken):
                continue
            vals_list.append(
                {
                    "company_id": company.id,
                    "month": start,
                    "user_id": collector or False,
                    "collected": float(collected),
                    "receivable_begin": begin,
                    "credit_sales": sales,
                    "receivable_end": end_amount,
                    "receivable_end_current": end_current,
                    "cei": cei(begin, sales, end_amount, end_current) or 0.0,
                    "promise_kept_count": kept,
                    "promise_broken_count": broken,
                    "promise_kept_rate": kept_rate(kept, broken) or 0.0,
                }
            )
        return self.create(vals_list)
