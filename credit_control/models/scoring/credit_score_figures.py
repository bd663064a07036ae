from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from ...lib.aging import overdue_ratio
from ...lib.limits import days_past_due
from ...lib.scoring import MANUAL_RATING_VALUES

YEAR_DAYS = 365
TREND_DAYS = 90


class CreditScoreFigures(models.AbstractModel):
    """The raw values of the score factors, for many customers at once.

    A fixed number of SQL queries per batch of customers, whatever its size: payment
    behaviour from receivable items and their partial reconciliations, invoiced volume and
    first invoice, plus the exposure figures (credit.exposure).
    """

    _name = "credit.score.figures"
    _description = "Credit Score Figures"

    @api.model
    def _active_partner_ids(self, company, today):
        """Commercial partners with receivable activity in the last 12 months or open items."""
        self.env["credit.exposure"]._flush_figure_models()
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT p.commercial_partner_id
              FROM account_move_line aml
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE aml.account_id = ANY(%(account_ids)s)
               AND aml.company_id = %(company_id)s
               AND aml.parent_state = 'posted'
               AND (aml.date > %(since)s OR aml.reconciled IS NOT TRUE)
            """,
                account_ids=self.env["credit.exposure"]._receivable_account_ids(),
                company_id=company.id,
                since=today - timedelta(days=YEAR_DAYS),
            )
        )
        return sorted(row[0] for row in self.env.cr.fetchall() if row[0])

    @api.model
    def _get_raw_values(self, partners, company, today):
        """Return {commercial partner id: {factor type: raw value or None}}."""
        exposure = self.env["credit.exposure"].with_company(company)
        figures = exposure._get_figures(partners, company, today=today)
        partner_ids = list(figures)
        commercial_of = exposure._member_partner_ids(partner_ids)
        values = {
            partner_id: {
                "on_time_ratio": None,
                "avg_days_late": None,
                "overdue_ratio": overdue_ratio(figure.overdue, figure.receivable) * 100.0,
                "oldest_overdue_days": days_past_due(figure.oldest_overdue_date, today)
                if figure.oldest_overdue_date
                else 0,
                "relationship_age": None,
                "volume_12m": 0.0,
                "manual": None,
                "_avg_days_late_recent": None,
                "_avg_days_late_before": None,
            }
            for partner_id, figure in figures.items()
        }
        self._add_payment_behaviour(values, commercial_of, company, today)
        self._add_invoicing(values, commercial_of, company, today)
        self._add_manual_rating(values)
        return values, figures

    def _posted_receivables(self, commercial_of, company):
        """Posted items of the customers' members on receivable accounts of ``company``."""
        return SQL(
            """aml.partner_id = ANY(%s)
               AND aml.account_id = ANY(%s)
               AND aml.company_id = %s
               AND aml.parent_state = 'posted'""",
            list(commercial_of),
            self.env["credit.exposure"]._receivable_account_ids(),
            company.id,
        )

    def _sum_by_commercial(self, commercial_of):
        """The fetched rows (member partner id, sums…) added up per commercial partner."""
        totals = {}
        for member_id, *sums in self.env.cr.fetchall():
            partner_totals = totals.setdefault(commercial_of[member_id], [0.0] * len(sums))
            for index, amount in enumerate(sums):
                partner_totals[index] += amount or 0.0
        return totals

    def _add_payment_behaviour(self, values, commercial_of, company, today):
        """On-time ratio by amount and average days late, weighted by the amounts settled.

        On time: the part of each item due in the last 12 months settled (partial
        reconciliation, company currency) on or before its due date, over the amount due.
        Days late: for the settlements of the last 12 months, settlement date minus due date.
        """
        since = today - timedelta(days=YEAR_DAYS)
        self.env.cr.execute(
            SQL(
                """
            SELECT aml.partner_id,
                   SUM(aml.balance),
                   SUM((SELECT COALESCE(SUM(apr.amount), 0)
                          FROM account_partial_reconcile apr
                         WHERE apr.debit_move_id = aml.id
                           AND apr.max_date <= COALESCE(aml.date_maturity, aml.date)))
              FROM account_move_line aml
             WHERE %(receivables)s
               AND aml.balance > 0
               AND COALESCE(aml.date_maturity, aml.date) > %(since)s
               AND COALESCE(aml.date_maturity, aml.date) <= %(today)s
          GROUP BY aml.partner_id
            """,
                receivables=self._posted_receivables(commercial_of, company),
                since=since,
                today=today,
            )
        )
        for partner_id, (amount_due, on_time) in self._sum_by_commercial(commercial_of).items():
            if amount_due > 0:
                values[partner_id]["on_time_ratio"] = min(on_time / amount_due, 1.0) * 100.0

        recent = today - timedelta(days=TREND_DAYS)
        before = today - timedelta(days=2 * TREND_DAYS)
        self.env.cr.execute(
            SQL(
                """
            SELECT aml.partner_id,
                   SUM(apr.amount),
                   SUM(apr.amount * GREATEST(apr.max_date - COALESCE(aml.date_maturity, aml.date), 0)),
                   SUM(apr.amount) FILTER (WHERE apr.max_date > %(recent)s),
                   SUM(apr.amount * GREATEST(apr.max_date - COALESCE(aml.date_maturity, aml.date), 0))
                       FILTER (WHERE apr.max_date > %(recent)s),
                   SUM(apr.amount) FILTER (WHERE apr.max_date > %(before)s AND apr.max_date <= %(recent)s),
                   SUM(apr.amount * GREATEST(apr.max_date - COALESCE(aml.date_maturity, aml.date), 0))
                       FILTER (WHERE apr.max_date > %(before)s AND apr.max_date <= %(recent)s)
              FROM account_move_line aml
              JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
             WHERE %(receivables)s
               AND apr.max_date > %(since)s
               AND apr.max_date <= %(today)s
          GROUP BY aml.partner_id
            """,
                receivables=self._posted_receivables(commercial_of, company),
                since=since,
                today=today,
                recent=recent,
                before=before,
            )
        )
        late = self._sum_by_commercial(commercial_of)
        for partner_id, (paid, weighted, paid_recent, weighted_recent, paid_before, weighted_before) in late.items():
            partner_values = values[partner_id]
            if paid > 0:
                partner_values["avg_days_late"] = weighted / paid
            if paid_recent > 0:
                partner_values["_avg_days_late_recent"] = weighted_recent / paid_recent
            if paid_before > 0:
                partner_values["_avg_days_late_before"] = weighted_before / paid_before

    def _add_invoicing(self, values, commercial_of, company, today):
        """Invoiced volume net of refunds over 12 months, and the first invoice's date."""
        self.env.cr.execute(
            SQL(
                """
            SELECT aml.partner_id,
                   SUM(aml.balance) FILTER (WHERE aml.date > %(since)s AND aml.date <= %(today)s),
                   MIN(aml.date) FILTER (WHERE m.move_type = 'out_invoice')
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
             WHERE %(receivables)s
               AND m.move_type IN ('out_invoice', 'out_refund')
          GROUP BY aml.partner_id
            """,
                receivables=self._posted_receivables(commercial_of, company),
                since=today - timedelta(days=YEAR_DAYS),
                today=today,
            )
        )
        for member_id, volume, first_date in self.env.cr.fetchall():
            partner_values = values[commercial_of[member_id]]
            partner_values["volume_12m"] += volume or 0.0
            if first_date:
                age = (today - first_date).days / YEAR_DAYS
                current = partner_values["relationship_age"]
                partner_values["relationship_age"] = max(age, current or 0.0)

    def _add_manual_rating(self, values):
        """The credit manager's manual rating, read from the partners."""
        partners = self.env["res.partner"].sudo().browse(list(values))
        for row in partners.read(["credit_manual_rating"], load=False):
            values[row["id"]]["manual"] = MANUAL_RATING_VALUES.get(row["credit_manual_rating"])
