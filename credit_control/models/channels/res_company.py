from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_sms_gateway_id = fields.Many2one(
        "credit.sms.gateway",
        string="Dunning SMS Gateway",
        check_company=True,
        help="Aliyun SMS or Tencent Cloud SMS for the dunning SMS; empty: Odoo's IAP SMS.",
        prefetch="credit_control",
    )
