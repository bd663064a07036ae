from odoo import api, fields, models


class CreditCompanyDefaultMixin(models.AbstractModel):
    """A record of one company that can be its company's default one, kept on the company (as sale_management
    keeps the default quotation template): ``res.company.<_company_default_field>``.

    ``is_default`` reads and sets that company field and can be searched on.
    """

    _name = "credit.company.default.mixin"
    _description = "Company Default Record"
    _company_default_field = None

    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    is_default = fields.Boolean(
        string="Default",
        compute="_compute_is_default",
        inverse="_inverse_is_default",
        search="_search_is_default",
    )

    @api.depends(lambda self: ["company_id.%s" % self._company_default_field])
    def _compute_is_default(self):
        for record in self:
            record.is_default = (
                bool(record._origin) and record.company_id[self._company_default_field] == record._origin
            )

    def _inverse_is_default(self):
        for record in self:
            company = record.company_id.sudo()
            if record.is_default:
                company[self._company_default_field] = record
            elif company[self._company_default_field] == record:
                company[self._company_default_field] = False

    def _search_is_default(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError("Unsupported search on is_default: %s %r" % (operator, value))
        companies = self.env["res.company"].sudo().search([(self._company_default_field, "!=", False)])
        default_ids = companies[self._company_default_field].ids
        return [("id", "in" if (operator == "=") == value else "not in", default_ids)]
