from odoo import _, api, fields, models
from odoo.tools.misc import format_date

from ...lib.overview import last_month_ends, period_dso
from ..core.credit_overview import SCOPE_MINE

# credit_sales of a snapshot covers the 90 days before its date (SALES_PERIODS of 30 days)
DSO_SALES_DAYS = 90


class CreditOverview(models.AbstractModel):
    _inherit = "credit.overview"

    @api.model
    def _get_overview_cards(self, scope):
        cards = super()._get_overview_cards(scope)
        if scope != SCOPE_MINE and self._overview_can_read("credit.aging.snapshot"):
            cards.append(self._overview_card_dso())
        return cards

    def _overview_card_dso(self):
        """DSO of the company at each of the last 12 month ends, from the aging snapshots (one
        grouped query): receivables over the 90 days' credit sales of the customers snapshot."""
        company = self.env.company
        month_ends = last_month_ends(self._overview_today())
        domain = [
            ("company_id", "=", company.id),
            ("snapshot_date", "in", [fields.Date.to_string(day) for day in month_ends]),
        ]
        groups = self.env["credit.aging.snapshot"]._read_group(
            domain, ["snapshot_date:day"], ["__count", "amount_total:sum", "credit_sales:sum"]
        )
        by_date = {fields.Date.to_date(day): (count, total, sales) for day, count, total, sales in groups}
        values = []
        for day in month_ends:
            _count, total, sales = by_date.get(day, (0, 0.0, 0.0))
            values.append(period_dso(total or 0.0, sales or 0.0, DSO_SALES_DAYS) if day in by_date else None)
        latest = max(by_date) if by_date else None
        count, total, _sales = by_date.get(latest, (0, 0.0, 0.0))
        latest_domain = [("company_id", "=", company.id), ("snapshot_date", "=", fields.Date.to_string(latest))]
        action = self._overview_action(
            _("Aging History"),
            "credit.aging.snapshot",
            latest_domain if latest else domain,
            xmlid="credit_control.action_credit_aging_snapshot",
        )
        labels = []
        for day in month_ends:
            labels.append(format_date(self.env, day, date_format="MMM yyyy"))
        return self._overview_card(
            "dso",
            _("DSO"),
            values[month_ends.index(latest)] if latest else None,
            value_type="days",
            count=count,
            sequence=35,
            layout="chart",
            action=action,
            details=[
                {"label": _("Customers at Month End"), "value": count, "value_type": "integer"},
                {"label": _("Receivables at Month End"), "value": total or 0.0, "value_type": "monetary"},
            ],
            chart={"labels": labels, "values": values, "label": _("DSO (days)")},
            snapshot_date=fields.Date.to_string(latest) if latest else False,
        )
