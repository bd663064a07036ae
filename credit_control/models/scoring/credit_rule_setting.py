from odoo import fields, models


class CreditRuleSetting(models.Model):
    """Scoring's filter: a rule may apply to customers of some grades only."""

    _inherit = "credit.rule.setting"

    grade_ids = fields.Many2many(
        "credit.scorecard.grade",
        string="Grades",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Apply the rule only to customers currently graded so (all customers when empty).",
    )

    def _applies_to(self, check):
        if not super()._applies_to(check):
            return False
        return not self.grade_ids or check.facts.get("grade_id") in self.grade_ids.ids
