from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_check_delivery = fields.Boolean(
        string="Check at Delivery Validation",
        help="Put outgoing deliveries of sale orders on credit hold when they are validated and the customer "
        "breaks a credit rule (returns never).",
        prefetch="credit_control",
    )
    credit_delivery_grace_days = fields.Integer(
        string="Delivery Grace Days",
        default=0,
        help="A delivery of an order that passed the check at confirmation (or was released) this many days "
        "ago or less is validated without a new check (0: always checked).",
        prefetch="credit_control",
    )

    @api.constrains("credit_delivery_grace_days")
    def _check_credit_delivery_grace_days(self):
        for company in self:
            if company.credit_delivery_grace_days < 0:
                raise ValidationError(_("The delivery grace days of %s cannot be negative.", company.name))

    @api.model
    def _get_credit_settings_fields(self):
        return super()._get_credit_settings_fields() + ["credit_check_delivery", "credit_delivery_grace_days"]
