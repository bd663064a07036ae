from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

from ...lib.scoring import ScoringError, check_grades, normalise_weights

_lt = LazyTranslate(__name__)
STANDARD_SCORECARD_NAME = _lt("Standard scorecard")

# The standard scorecard a company starts with:
# (sequence, factor type, weight, mapping, worst, best, bands); features add theirs.
DEFAULT_FACTORS = [
    (1, "on_time_ratio", 25, "linear", 50.0, 100.0, []),
    (
        2,
        "avg_days_late",
        20,
        "bands",
        0,
        0,
        [(0, 1, 100), (1, 8, 85), (8, 16, 65), (16, 31, 40), (31, 61, 15), (61, 100000, 0)],
    ),
    (3, "overdue_ratio", 15, "linear", 50.0, 0.0, []),
    (
        4,
        "oldest_overdue_days",
        10,
        "bands",
        0,
        0,
        [(0, 1, 100), (1, 31, 70), (31, 61, 40), (61, 91, 15), (91, 100000, 0)],
    ),
    (5, "relationship_age", 10, "linear", 0.0, 5.0, []),
    (6, "volume_12m", 5, "linear", 0.0, 100000.0, []),
    (10, "manual", 2, "linear", 0.0, 100.0, []),
]
# (grade, minimum score, suggested limit as % of 12-month sales, cap, policy)
DEFAULT_GRADES = [
    ("A", 80.0, 25.0, 0.0, "normal"),
    ("B", 60.0, 15.0, 0.0, "normal"),
    ("C", 40.0, 8.0, 0.0, "normal"),
    ("D", 0.0, 0.0, 0.0, "prepayment"),
]


class CreditScorecard(models.Model):
    """A weighted list of factors turning a customer's payment behaviour into a 0-100 score."""

    _name = "credit.scorecard"
    _description = "Credit Scorecard"
    _inherit = ["mail.thread", "credit.company.default.mixin", "credit.code.terms.mixin"]
    _order = "company_id, name, id"
    _company_default_field = "credit_scorecard_id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    is_default = fields.Boolean(
        help="The scorecard the daily scoring uses for this company (the company's Default Scorecard)."
    )
    factor_ids = fields.One2many("credit.scorecard.factor", "scorecard_id", string="Factors", copy=True)
    grade_ids = fields.One2many("credit.scorecard.grade", "scorecard_id", string="Grades", copy=True)
    total_weight = fields.Float(compute="_compute_total_weight")
    note = fields.Html()

    @api.depends("factor_ids.weight")
    def _compute_total_weight(self):
        for scorecard in self:
            scorecard.total_weight = sum(scorecard.factor_ids.mapped("weight"))

    @api.constrains("factor_ids")
    def _check_factors(self):
        for scorecard in self:
            if not scorecard.factor_ids:
                raise ValidationError(_("The scorecard %(name)s needs at least one factor.", name=scorecard.name))
            try:
                normalise_weights(scorecard.factor_ids.mapped("weight"))
            except ScoringError as error:
                if error.reason == "negative_weight":
                    raise ValidationError(
                        _("A factor's weight cannot be negative (scorecard %(name)s).", name=scorecard.name)
                    ) from error
                raise ValidationError(
                    _(
                        "The weights of the scorecard %(name)s add up to zero: give a factor a weight.",
                        name=scorecard.name,
                    )
                ) from error

    @api.constrains("grade_ids")
    def _check_grades(self):
        messages = {
            "no_grades": _("The scorecard %(name)s needs at least one grade."),
            "grade_range": _("Grade minimum scores of %(name)s must be between 0 and 100."),
            "grade_overlap": _("Two grades of %(name)s start at the same score: grade bands cannot overlap."),
            "grade_gap": _("The lowest grade of %(name)s must start at 0, so that every score has a grade."),
        }
        for scorecard in self:
            try:
                check_grades(scorecard.grade_ids.mapped("min_score"))
            except ScoringError as error:
                raise ValidationError(messages[error.reason] % {"name": scorecard.name}) from error

    @api.constrains("active")
    def _check_default_active(self):
        for scorecard in self:
            if not scorecard.active and scorecard.company_id.credit_scorecard_id == scorecard:
                raise ValidationError(
                    _(
                        "%(name)s is the default scorecard of %(company)s: choose another default before archiving it.",
                        name=scorecard.name,
                        company=scorecard.company_id.display_name,
                    )
                )

    def action_compute_scores(self):
        """Score every customer with activity of this scorecard's company now."""
        self.ensure_one()
        self.env["credit.score"]._run_scoring(self.company_id, scorecard=self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Scores computed."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _get_default(self, company):
        """The company's default scorecard, created from the standard one when it has none."""
        return company.sudo().credit_scorecard_id or self._create_standard(company)

    @api.model
    def _get_default_factors(self):
        """The factors of the standard scorecard; features add theirs with ``super()``."""
        return list(DEFAULT_FACTORS)

    @api.model
    def _create_standard(self, company):
        """Create the standard scorecard (``_get_default_factors`` / DEFAULT_GRADES) for ``company``."""
        factor_vals = [
            fields.Command.create(
                {
                    "sequence": sequence,
                    "factor_type": factor_type,
                    "weight": weight,
                    "mapping": mapping,
                    "worst_value": worst,
                    "best_value": best,
                    "band_ids": [
                        fields.Command.create({"value_from": low, "value_to": high, "points": points})
                        for low, high, points in bands
                    ],
                }
            )
            for sequence, factor_type, weight, mapping, worst, best, bands in sorted(self._get_default_factors())
        ]
        grade_vals = [
            fields.Command.create(
                {
                    "name": name,
                    "min_score": minimum,
                    "limit_percent": percent,
                    "limit_cap": cap,
                    "policy": policy,
                }
            )
            for name, minimum, percent, cap, policy in DEFAULT_GRADES
        ]
        scorecard = (
            self.sudo()
            .with_context(lang="en_US")
            .create(
                {
                    "name": STANDARD_SCORECARD_NAME._source,
                    "company_id": company.id,
                    "is_default": True,
                    "factor_ids": factor_vals,
                    "grade_ids": grade_vals,
                }
            )
        )
        scorecard._fill_code_translations()
        return scorecard.with_env(self.sudo().env)

    @api.model
    def _get_code_terms(self):
        return {**super()._get_code_terms(), "name": [STANDARD_SCORECARD_NAME]}

    @api.model
    def _create_missing_defaults(self):
        """Give every company without one the standard scorecard (install and new companies)."""
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            self._get_default(company)
