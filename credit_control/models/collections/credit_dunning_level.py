from odoo import fields, models


class CreditDunningLevel(models.Model):
    """Levels name who acts: the collector, finance, the general manager (escalation by role)."""

    _inherit = "credit.dunning.level"

    escalation_target = fields.Selection(
        selection_add=[
            ("collector", "Collector"),
            ("finance_manager", "Finance manager"),
            ("general_manager", "General manager"),
        ],
        ondelete={"collector": "set default", "finance_manager": "set default", "general_manager": "set default"},
    )
