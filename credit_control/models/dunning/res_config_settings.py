from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_dunning_policy_id = fields.Many2one(
        related="company_id.credit_dunning_policy_id", string="Default Dunning Policy", readonly=False
    )
