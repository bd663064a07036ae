from odoo import api, models


class CreditScorecard(models.Model):
    _inherit = "credit.scorecard"

    @api.model
    def _get_default_factors(self):
        return super()._get_default_factors() + [
            (7, "dunning_levels", 5, "bands", 0, 0, [(0, 1, 100), (1, 2, 70), (2, 3, 40), (3, 1000, 0)]),
        ]
