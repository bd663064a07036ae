from odoo import fields, models


class CreditScorecardFactorBand(models.Model):
    """A range [from, to) of a factor's raw value and the points it is worth."""

    _name = "credit.scorecard.factor.band"
    _description = "Scorecard Factor Band"
    _order = "factor_id, value_from"

    factor_id = fields.Many2one("credit.scorecard.factor", required=True, ondelete="cascade", index=True)
    value_from = fields.Float(string="From", required=True)
    value_to = fields.Float(string="To (excluded)", required=True)
    points = fields.Float(required=True)
