from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...lib.scoring import ScoringError, check_bands, points_from_bands, points_linear

FACTOR_TYPES = [
    ("on_time_ratio", "On-time payment ratio (%)"),
    ("avg_days_late", "Average days paid late"),
    ("overdue_ratio", "Overdue ratio (%)"),
    ("oldest_overdue_days", "Oldest overdue (days)"),
    ("relationship_age", "Relationship age (years)"),
    ("volume_12m", "Invoiced in the last 12 months"),
    ("manual", "Manual rating (0-100)"),
]


class CreditScorecardFactor(models.Model):
    """One weighted line of a scorecard: a raw value of the customer and how it maps to points."""

    _name = "credit.scorecard.factor"
    _description = "Scorecard Factor"
    _order = "scorecard_id, sequence, id"

    scorecard_id = fields.Many2one("credit.scorecard", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    factor_type = fields.Selection(FACTOR_TYPES, string="Factor", required=True)
    weight = fields.Float(default=10.0, required=True, help="Relative weight; the weights are normalised to 100%.")
    weight_percent = fields.Float(string="Weight (%)", compute="_compute_weight_percent", digits=(16, 1))
    mapping = fields.Selection(
        [("linear", "Linear between bounds"), ("bands", "Bands")],
        default="linear",
        required=True,
        help="Linear: 0 points at the worst value, 100 at the best, straight in between. "
        "Bands: the points of the band holding the value.",
    )
    worst_value = fields.Float(help="The raw value worth 0 points (linear mapping).")
    best_value = fields.Float(help="The raw value worth 100 points (linear mapping).")
    band_ids = fields.One2many("credit.scorecard.factor.band", "factor_id", string="Bands", copy=True)
    neutral_points = fields.Float(
        default=50.0, help="Points given when the raw value is unknown (no history, no registry data)."
    )

    @api.depends("weight", "scorecard_id.factor_ids.weight")
    def _compute_weight_percent(self):
        for factor in self:
            total = sum(factor.scorecard_id.factor_ids.mapped("weight"))
            factor.weight_percent = factor.weight / total * 100.0 if total > 0 else 0.0

    @api.constrains("mapping", "worst_value", "best_value", "band_ids", "neutral_points")
    def _check_mapping(self):
        messages = {
            "no_bands": _("The factor %(name)s maps by bands but has none."),
            "empty_band": _("A band of %(name)s ends before it starts (from %(value_from)s to %(value_to)s)."),
            "band_points": _("Band points of %(name)s must be between 0 and 100."),
            "gap": _("The bands of %(name)s leave a gap from %(value_from)s to %(value_to)s."),
            "overlap": _("The bands of %(name)s overlap from %(value_from)s to %(value_to)s."),
        }
        for factor in self:
            name = factor._label()
            if not 0 <= factor.neutral_points <= 100:
                raise ValidationError(_("Neutral points of %(name)s must be between 0 and 100.", name=name))
            if factor.mapping == "linear":
                if factor.worst_value == factor.best_value:
                    raise ValidationError(_("The worst and best values of %(name)s must differ.", name=name))
                continue
            try:
                check_bands(factor._bands())
            except ScoringError as error:
                values = {"name": name, "value_from": "", "value_to": ""}
                values.update(error.details)
                raise ValidationError(messages[error.reason] % values) from error

    @api.constrains("weight", "scorecard_id")
    def _check_scorecard_weights(self):
        """Weights are checked on the factors too: a factor written on its own is still valid."""
        self.scorecard_id._check_factors()

    @api.model
    def _get_count_factor_types(self):
        """Factor types whose raw value is a count, shown without decimals; features add theirs."""
        return ["oldest_overdue_days"]

    def _label(self):
        return dict(self._fields["factor_type"]._description_selection(self.env)).get(self.factor_type, "")

    def _bands(self):
        return [(band.value_from, band.value_to, band.points) for band in self.band_ids]

    def _points(self, raw):
        """Points of a raw value (None → the neutral points) and whether it was neutral."""
        if raw is None:
            return self.neutral_points, True
        if self.mapping == "bands":
            return points_from_bands(raw, self._bands()), False
        return points_linear(raw, self.worst_value, self.best_value), False
