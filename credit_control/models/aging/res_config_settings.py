from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_aging_basis = fields.Selection(related="company_id.credit_aging_basis", readonly=False)
    credit_aging_boundaries = fields.Char(related="company_id.credit_aging_boundaries", readonly=False)
