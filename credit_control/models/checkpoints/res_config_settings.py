from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_check_invoice = fields.Boolean(related="company_id.credit_check_invoice", readonly=False)
    credit_invoice_grace_days = fields.Integer(related="company_id.credit_invoice_grace_days", readonly=False)
