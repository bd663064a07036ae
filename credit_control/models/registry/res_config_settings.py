from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_registry_hold = fields.Boolean(related="company_id.credit_registry_hold", readonly=False)
    credit_legal_risk_hold = fields.Boolean(related="company_id.credit_legal_risk_hold", readonly=False)
