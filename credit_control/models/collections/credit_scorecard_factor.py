from odoo import fields, models


class CreditScorecardFactor(models.Model):
    _inherit = "credit.scorecard.factor"

    factor_type = fields.Selection(
        selection_add=[("promise_kept_rate", "Promises to pay kept (%, 12 months)")],
        ondelete={"promise_kept_rate": "cascade"},
    )
