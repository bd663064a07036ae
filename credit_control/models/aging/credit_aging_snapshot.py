from datetime import timedelta

from odoo import _, api, fields, models

from ...lib.aging import days_sales_outstanding, overdue_ratio

DSO_PERIOD_DAYS = 90


class CreditAgingSnapshot(models.Model):
    """A customer's aging at a month end: totals, overdue ratio, DSO, and its buckets.

    Taken for all customers of a company at once by ``_take_snapshots`` (cron at each
    month end, or the button); taking it again for the same date replaces it.
    """

    _name = "credit.aging.snapshot"
    _description = "Aging Snapshot"
    _order = "snapshot_date desc, company_id, partner_id"

    snapshot_date = fields.Date(required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_total = fields.Monetary(string="Open Receivables")
    amount_not_due = fields.Monetary(string="Not Due")
    amount_overdue = fields.Monetary(string="Overdue")
    overdue_ratio = fields.Float(aggregator="avg", help="Overdue / open receivables.")
    credit_sales = fields.Monetary(help="Invoices net of refunds over the 90 days before the date.")
    dso = fields.Float(
        string="DSO (days)",
        aggregator="avg",
        help="Days sales outstanding: open receivables / invoiced over the last 90 days × 90.",
    )
    bucket_ids = fields.One2many("credit.aging.snapshot.bucket", "snapshot_id", string="Buckets")

    @api.model
    def action_take_snapshot_now(self):
        self._take_snapshots(self.env.companies, fields.Date.context_today(self))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Aging snapshot taken for today."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _take_snapshots(self, companies, snapshot_date):
        """Replace the snapshots of ``companies`` at ``snapshot_date`` (all customers)."""
        aging = self.env["credit.aging"]
        for company in companies:
            self.search([("company_id", "=", company.id), ("snapshot_date", "=", snapshot_date)]).unlink()
            boundaries = company._validate_aging_boundaries(company.credit_aging_boundaries, company.name)
            names = aging._bucket_names(boundaries)
            totals = aging._get_aging_totals(company, snapshot_date)
            sales = aging._get_credit_sales(company, snapshot_date - timedelta(days=DSO_PERIOD_DAYS), snapshot_date)
            vals_list = []
            for partner_id, amounts in totals.items():
                total = sum(amounts)
                overdue = sum(amounts[1:])
                vals_list.append(
                    {
                        "snapshot_date": snapshot_date,
                        "company_id": company.id,
                        "partner_id": partner_id,
                        "amount_total": total,
                        "amount_not_due": amounts[0],
                        "amount_overdue": overdue,
                        "overdue_ratio": overdue_ratio(overdue, total),
                        "credit_sales": sales.get(partner_id, 0.0),
                        "dso": days_sales_outstanding(total, sales.get(partner_id), DSO_PERIOD_DAYS) or 0.0,
                        "bucket_ids": [
                            fields.Command.create({"sequence": index, "name": names[index], "amount": amount})
                            for index, amount in enumerate(amounts)
                            if amount
                        ],
                    }
                )
            self.create(vals_list)
        return True

    @api.model
    def _company_dso(self, company, as_of):
        """DSO of the whole company as of a date (same formula as per customer)."""
        aging = self.env["credit.aging"]
        open_total = sum(sum(amounts) for amounts in aging._get_aging_totals(company, as_of).values())
        sales = sum(aging._get_credit_sales(company, as_of - timedelta(days=DSO_PERIOD_DAYS), as_of).values())
        return days_sales_outstanding(open_total, sales, DSO_PERIOD_DAYS)

    @api.model
    def _cron_month_end(self):
        """Snapshot the last month end for every company (idempotent: safe to run again)."""
        last_month_end = fields.Date.context_today(self).replace(day=1) - timedelta(days=1)
        for company in self.env["res.company"].sudo().search([("credit_aging_boundaries", "!=", False)]):
            self.with_company(company)._take_snapshots(company, last_month_end)
