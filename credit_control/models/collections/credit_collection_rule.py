from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CreditCollectionRule(models.Model):
    """Who collects a customer without a collector of its own: the first rule that fits.

    Criteria left empty match any customer; the amount band is on the overdue amount, from
    (included) to (excluded).
    """

    _name = "credit.collection.rule"
    _description = "Collector Assignment Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", required=True, domain="[('share', '=', False)]")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", check_company=True, help="The sales team of the customer's salesperson."
    )
    country_id = fields.Many2one("res.country")
    grade = fields.Char(help="Credit grade of the customer (A, B, C, D); empty: any.")
    amount_min = fields.Monetary(string="Overdue From", currency_field="currency_id")
    amount_max = fields.Monetary(string="Overdue Below", currency_field="currency_id", help="Empty: no upper bound.")

    @api.constrains("amount_min", "amount_max")
    def _check_amounts(self):
        for rule in self:
            if rule.amount_min < 0 or rule.amount_max < 0:
                raise ValidationError(_("The amounts of a collector assignment rule cannot be negative."))
            if rule.amount_max and rule.amount_max <= rule.amount_min:
                raise ValidationError(
                    _("The overdue band of a collector assignment rule must end above where it starts.")
                )

    @api.model
    def _rules_for(self, company):
        """The company's rules as plain dicts for ``lib.collections.first_matching``."""
        rules = []
        for rule in self.sudo().search([("company_id", "=", company.id)]):
            rules.append(
                {
                    "user_id": rule.user_id.id,
                    "team_id": rule.team_id.id,
                    "country_id": rule.country_id.id,
                    "grade": (rule.grade or "").strip().upper(),
                    "amount_min": rule.amount_min,
                    "amount_max": rule.amount_max,
                }
            )
        return rules
