from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_collection_min_amount = fields.Monetary(related="company_id.credit_collection_min_amount", readonly=False)
    credit_collection_weight_amount = fields.Float(related="company_id.credit_collection_weight_amount", readonly=False)
    credit_collection_weight_broken = fields.Float(related="company_id.credit_collection_weight_broken", readonly=False)
    credit_collection_weight_final = fields.Float(related="company_id.credit_collection_weight_final", readonly=False)
    credit_collection_escalation_days = fields.Integer(
        related="company_id.credit_collection_escalation_days", readonly=False
    )
    credit_collection_finance_manager_id = fields.Many2one(
        related="company_id.credit_collection_finance_manager_id", readonly=False
    )
    credit_collection_general_manager_id = fields.Many2one(
        related="company_id.credit_collection_general_manager_id", readonly=False
    )
    credit_promise_tolerance = fields.Float(related="company_id.credit_promise_tolerance", readonly=False)
    credit_promise_grace_days = fields.Integer(related="company_id.credit_promise_grace_days", readonly=False)
    credit_statement_monthly = fields.Boolean(related="company_id.credit_statement_monthly", readonly=False)
