from datetime import timedelta

from odoo import _, api, fields, models

from ...lib.aging import countback_dso, overdue_ratio

# The snapshot's credit sales are those of the three 30-day periods (90 days) before its date.
SALES_PERIODS = 3


def _or_null(value):
    """None (undefined) is stored as NULL, not as 0."""
    return False if value is None else value


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
        help="Days sales outstanding by the countback method: the days of the most recent 30-day periods whose "
        "credit sales the open receivables use up. Empty when the receivables exceed a year of sales.",
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
            sales = aging._get_sales_by_period(company, snapshot_date, partner_ids=list(totals))
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
                        "credit_sales": sum(sales.get(partner_id, [])[:SALES_PERIODS]),
                        "dso": _or_null(countback_dso(total, sales.get(partner_id, []))),
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
        """DSO of the whole company as of a date (countback, as per customer); None when undefined."""
        aging = self.env["credit.aging"]
        open_total = sum(sum(amounts) for amounts in aging._get_aging_totals(company, as_of).values())
        return countback_dso(open_total, aging._get_sales_by_period(company, as_of, by_partner=False))

    @api.model
    def _cron_month_end(self):
        """Snapshot the last month end for every company (idempotent: safe to run again)."""
        last_month_end = fields.Date.context_today(self).replace(day=1) - timedelta(days=1)
        for company in self.env["res.company"].sudo().search([("credit_aging_boundaries", "!=", False)]):
            self.with_company(company)._take_snapshots(company, last_month_end)
