from datetime import timedelta

from odoo import api, models

from ...lib.collections import kept_rate
from ..scoring.credit_score_figures import YEAR_DAYS


class CreditScoreFigures(models.AbstractModel):
    """The kept-promise rate factor: share of the promises of 12 months that were kept."""

    _inherit = "credit.score.figures"

    @api.model
    def _get_raw_values(self, partners, company, today):
        values, figures = super()._get_raw_values(partners, company, today)
        counts = (
            self.env["credit.promise"].sudo()._kept_counts(company, list(values), today - timedelta(days=YEAR_DAYS))
        )
        for partner_id, partner_values in values.items():
            partner_values["promise_kept_rate"] = kept_rate(*counts[partner_id])
        return values, figures
