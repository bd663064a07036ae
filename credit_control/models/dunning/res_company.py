from odoo import fields, models


class ResCompany(models.Model):
    """The company's default dunning policy, as sale_management's default quotation template."""

    _inherit = "res.company"

    credit_dunning_policy_id = fields.Many2one(
        "credit.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        check_company=True,
        help="The policy of every customer of the company that has no policy of its own.",
    )
