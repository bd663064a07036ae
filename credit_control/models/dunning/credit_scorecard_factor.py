from odoo import api, fields, models


class CreditScorecardFactor(models.Model):
    _inherit = "credit.scorecard.factor"

    factor_type = fields.Selection(
        selection_add=[("dunning_levels", "Dunning levels reached (12 months)")],
        ondelete={"dunning_levels": "cascade"},
    )

    @api.model
    def _get_count_factor_types(self):
        return super()._get_count_factor_types() + ["dunning_levels"]
