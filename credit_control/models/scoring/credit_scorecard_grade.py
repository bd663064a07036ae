from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...lib.scoring import suggested_limit

GRADE_POLICIES = [
    ("normal", "Credit within the limit"),
    ("prepayment", "No credit: prepayment only"),
]


class CreditScorecardGrade(models.Model):
    """A score band [minimum, next grade's minimum) with its suggested limit rule and policy."""

    _name = "credit.scorecard.grade"
    _description = "Scorecard Grade"
    _order = "scorecard_id, min_score desc"

    scorecard_id = fields.Many2one("credit.scorecard", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)
    currency_id = fields.Many2one(related="scorecard_id.currency_id")
    name = fields.Char(string="Grade", required=True)
    min_score = fields.Float(string="From Score", required=True, help="The lowest score of this grade.")
    limit_percent = fields.Float(
        string="Suggested Limit (% of 12-month sales)",
        help="The suggested credit limit is this share of the customer's invoiced amount over the last 12 months.",
    )
    limit_cap = fields.Monetary(
        string="Suggested Limit Cap", currency_field="currency_id", help="Upper bound of the suggested limit (0: none)."
    )
    policy = fields.Selection(
        GRADE_POLICIES,
        default="normal",
        required=True,
        help="With 'prepayment only', orders of customers of this grade are held at confirmation.",
    )
    max_payment_days = fields.Integer(
        string="Longest Payment Terms (Days)",
        help="Orders and invoices of customers of this grade with longer payment terms are held "
        "(differentiated terms by grade; 0: any terms).",
    )
    color = fields.Integer()

    @api.constrains("max_payment_days")
    def _check_max_payment_days(self):
        for grade in self:
            if grade.max_payment_days < 0:
                raise ValidationError(_("The longest payment terms of grade %s cannot be negative.", grade.name))

    @api.constrains("min_score", "scorecard_id")
    def _check_scorecard_grades(self):
        """Grade bands are checked on the grades too: a grade written on its own is still valid."""
        self.scorecard_id._check_grades()

    def _suggested_limit(self, sales_12_months):
        if self.policy == "prepayment":
            return 0.0
        return suggested_limit(sales_12_months, self.limit_percent, self.limit_cap)
