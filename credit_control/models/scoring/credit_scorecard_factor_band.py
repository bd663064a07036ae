from odoo import api, fields, models


class CreditScorecardFactorBand(models.Model):
    """A range [from, to) of a factor's raw value and the points it is worth."""

    _name = "credit.scorecard.factor.band"
    _description = "Scorecard Factor Band"
    _order = "factor_id, value_from"

    factor_id = fields.Many2one("credit.scorecard.factor", required=True, ondelete="cascade", index=True)
    value_from = fields.Float(string="From", required=True)
    value_to = fields.Float(string="To (excluded)", required=True)
    points = fields.Float(required=True)

    @api.constrains("value_from", "value_to", "points", "factor_id")
    def _check_factor_bands(self):
        """Bands written on their own are checked like the factor's bands."""
        self.factor_id._check_mapping()
