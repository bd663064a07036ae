from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_hold_enabled = fields.Boolean(related="company_id.credit_hold_enabled", readonly=False)
    credit_overdue_check = fields.Boolean(related="company_id.credit_overdue_check", readonly=False)
    credit_overdue_tolerance_days = fields.Integer(related="company_id.credit_overdue_tolerance_days", readonly=False)
    credit_overdue_tolerance_amount = fields.Monetary(
        related="company_id.credit_overdue_tolerance_amount", readonly=False
    )
    credit_no_limit_policy = fields.Selection(related="company_id.credit_no_limit_policy", readonly=False)
