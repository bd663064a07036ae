from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_check_delivery = fields.Boolean(related="company_id.credit_check_delivery", readonly=False)
    credit_delivery_grace_days = fields.Integer(related="company_id.credit_delivery_grace_days", readonly=False)
