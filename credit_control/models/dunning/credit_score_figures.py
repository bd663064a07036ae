from datetime import timedelta

from odoo import api, models

from ..scoring.credit_score_figures import YEAR_DAYS


class CreditScoreFigures(models.AbstractModel):
    """The dunning factor: the highest dunning level reached in the last 12 months."""

    _inherit = "credit.score.figures"

    @api.model
    def _get_raw_values(self, partners, company, today):
        values, figures = super()._get_raw_values(partners, company, today)
        reached = (
            self.env["credit.dunning.communication"]
            .sudo()
            ._dunning_levels_reached(list(values), company.id, today - timedelta(days=YEAR_DAYS))
        )
        for partner_id, partner_values in values.items():
            partner_values["dunning_levels"] = reached.get(partner_id) or 0
        return values, figures
