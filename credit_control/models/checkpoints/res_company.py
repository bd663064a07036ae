from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_check_invoice = fields.Boolean(
        string="Check at Invoice Posting",
        help="Put customer invoices on credit hold when they are posted and the customer breaks a credit "
        "rule (refunds never).",
        prefetch="credit_control",
    )
    credit_invoice_grace_days = fields.Integer(
        string="Invoice Grace Days",
        default=0,
        help="An invoice of orders that passed the check at confirmation (or were released) this many days "
        "ago or less, for at least its amount, is posted without a new check (0: always checked).",
        prefetch="credit_control",
    )

    @api.constrains("credit_invoice_grace_days")
    def _check_credit_invoice_grace_days(self):
        for company in self:
            if company.credit_invoice_grace_days < 0:
                raise ValidationError(_("The invoice grace days of %s cannot be negative.", company.name))

    @api.model
    def _get_credit_settings_fields(self):
        return super()._get_credit_settings_fields() + ["credit_check_invoice", "credit_invoice_grace_days"]
