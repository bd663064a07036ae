from collections import defaultdict

from odoo import api, fields, models

from ...lib.registry.risk import legal_risk_index
from ...lib.registry.status import HEALTH
from ..scoring.credit_score_figures import YEAR_DAYS


class CreditScoreFigures(models.AbstractModel):
    """The registry factors: registry status as a health value, the company's age, and the legal-risk
    index of its active court and authority records (unknown until a provider was asked for them)."""

    _inherit = "credit.score.figures"

    @api.model
    def _get_raw_values(self, partners, company, today):
        values, figures = super()._get_raw_values(partners, company, today)
        partners = self.env["res.partner"].sudo().browse(list(values))
        for row in partners.read(["credit_registry_status", "credit_registry_founded_on"], load=False):
            partner_values = values[row["id"]]
            partner_values["registry_status"] = HEALTH.get(row["credit_registry_status"])
            founded = row["credit_registry_founded_on"]
            partner_values["company_age"] = (
                max((today - fields.Date.to_date(founded)).days / YEAR_DAYS, 0.0) if founded else None
            )
        self._add_legal_risk(values, figures, company, today)
        return values, figures

    @api.model
    def _add_legal_risk(self, values, figures, company, today):
        """The legal-risk index per customer: two grouped queries for the batch (who was checked,
        the active records per kind and currency), amounts converted once per currency."""
        partner_ids = list(values)
        checked = {
            partner.id
            for [partner] in self.env["credit.registry.snapshot"]
            .sudo()
            ._read_group([("partner_id", "in", partner_ids), ("risk_checked", "=", True)], ["partner_id"])
        }
        events = defaultdict(list)
        rates = {}
        for partner, kind, currency, count, amount in (
            self.env["credit.risk.event"]
            .sudo()
            ._read_group(
                [("partner_id", "in", list(checked)), ("status", "=", "active")],
                ["partner_id", "kind", "currency_id"],
                ["__count", "amount:array_agg"],
            )
        ):
            if currency not in rates:
                rates[currency] = currency._get_conversion_rate(currency, company.currency_id, company, today)
            for value in amount or [0.0] * count:
                events[partner.id].append((kind, (value or 0.0) * rates[currency]))
        weights = self.env["credit.risk.kind"]._weights()
        for partner_id, partner_values in values.items():
            figure = figures.get(partner_id)
            partner_values["legal_risk"] = (
                legal_risk_index(events[partner_id], figure.exposure if figure else 0.0, weights)
                if partner_id in checked
                else None
            )
