from odoo import fields, models


class CreditScorecardFactor(models.Model):
    _inherit = "credit.scorecard.factor"

    factor_type = fields.Selection(
        selection_add=[
            ("registry_status", "Registry status (health 0-100)"),
            ("company_age", "Company age (years)"),
            ("legal_risk", "Legal risk (index 0-100, 0: no record)"),
        ],
        ondelete={"registry_status": "cascade", "company_age": "cascade", "legal_risk": "cascade"},
    )
