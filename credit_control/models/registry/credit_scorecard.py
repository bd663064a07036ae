from odoo import api, models


class CreditScorecard(models.Model):
    _inherit = "credit.scorecard"

    @api.model
    def _get_default_factors(self):
        return super()._get_default_factors() + [
            (8, "registry_status", 5, "linear", 0.0, 100.0, []),
            (9, "company_age", 3, "linear", 0.0, 10.0, []),
        ]
