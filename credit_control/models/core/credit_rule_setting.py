from odoo import api, fields, models

from ...tools import ormcache


class CreditRuleSetting(models.Model):
    """How a company applies one credit rule: hold (the default, also without a setting) or
    warn only (the document passes, its chatter and form say why), and to which customers."""

    _name = "credit.rule.setting"
    _description = "Credit Rule Setting"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    rule = fields.Selection(selection="_selection_rule", required=True)
    mode = fields.Selection(
        [("hold", "Hold"), ("warn", "Warn only")],
        required=True,
        default="hold",
        help="Hold: a document breaking the rule waits for a credit manager. Warn only: it passes, "
        "with the reason shown on it and in its chatter.",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Tags",
        help="Apply the rule only to customers with one of these tags (all customers when empty).",
    )

    _sql_constraints = [
        ("rule_company_uniq", "unique(company_id, rule)", "A rule has one setting per company."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _get_setting_ids
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _selection_rule(self):
        return self.env["credit.rule"]._get_rule_selection()

    @api.model
    @ormcache("company_id")
    def _get_setting_ids(self, company_id):
        """Ids of the company's settings, cached: every confirmation reads them, they change rarely."""
        return tuple(self.sudo().search([("company_id", "=", company_id)]).ids)

    def _applies_to(self, check):
        """Whether the rule judges the customer of ``check``; features add their filters with ``super()``."""
        self.ensure_one()
        return not self.partner_category_ids or bool(check.partner.category_id & self.partner_category_ids)
