from odoo import api, fields, models


class ResCompany(models.Model):
    """The company's default dunning policy, as sale_management's default quotation template."""

    _inherit = "res.company"

    credit_dunning_policy_id = fields.Many2one(
        "credit.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        check_company=True,
        help="The policy of every customer of the company that has no policy of its own.",
        prefetch="credit_control",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company in companies:
            self.env["credit.dunning.policy"]._get_default(company)
        return companies
