from odoo import api, fields, models

from ...lib.registry.status import HEALTH
from ..scoring.credit_score_figures import YEAR_DAYS


class CreditScoreFigures(models.AbstractModel):
    """The registry factors: registry status as a health value, and the company's age."""

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
        return values, figures
