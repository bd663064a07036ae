from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...lib.limits import NO_LIMIT_NO_CREDIT, NO_LIMIT_UNLIMITED


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_hold_enabled = fields.Boolean(
        string="Credit Holds",
        help="Check every sale order at confirmation and put it on credit hold when the "
        "customer is over its limit, overdue beyond tolerance, on manual hold or blacklisted.",
    )
    credit_check_order = fields.Boolean(
        string="Check at Order Confirmation",
        default=True,
        help="Put sale orders that break a credit rule on hold when they are confirmed.",
    )
    credit_auto_release = fields.Selection(
        [("release", "Release automatically"), ("notify", "Tell the credit managers")],
        string="Holds That Pass Again",
        default="release",
        required=True,
        help="When a customer pays, gets a higher limit or leaves a manual hold, its pending holds are "
        "checked again; those that now pass are released, or the credit managers are told.",
    )
    credit_overdue_check = fields.Boolean(
        string="Hold Overdue Customers",
        default=True,
        help="Hold orders of customers whose overdue items exceed the tolerance.",
    )
    credit_overdue_tolerance_days = fields.Integer(
        string="Overdue Tolerance (Days)",
        default=0,
        help="Items are counted as overdue only this many days after their due date.",
    )
    credit_overdue_tolerance_amount = fields.Monetary(
        string="Overdue Tolerance (Amount)",
        currency_field="currency_id",
        help="Overdue amounts up to this value do not hold orders.",
    )
    credit_no_limit_policy = fields.Selection(
        selection=[
            (NO_LIMIT_UNLIMITED, "Unlimited credit"),
            (NO_LIMIT_NO_CREDIT, "No credit"),
        ],
        string="Customers Without Limit",
        default=NO_LIMIT_UNLIMITED,
        required=True,
        help="What a customer without a credit limit of its own may buy on credit.",
    )

    @api.constrains("credit_overdue_tolerance_days", "credit_overdue_tolerance_amount")
    def _check_credit_overdue_tolerance(self):
        for company in self:
            if company.credit_overdue_tolerance_days < 0 or company.credit_overdue_tolerance_amount < 0:
                raise ValidationError(_("The overdue tolerance of %s cannot be negative.", company.name))

    def _credit_checks_at(self, checkpoint):
        """Whether the company holds documents at ``checkpoint`` (``order``, and the checkpoints
        the packages add, each with its ``credit_check_<checkpoint>`` switch)."""
        self.ensure_one()
        return self.credit_hold_enabled and bool(self["credit_check_%s" % checkpoint])

    def _get_credit_managers(self):
        """The active internal users of the credit manager group who work in this company."""
        self.ensure_one()
        group = self.env.ref("credit_control.group_credit_manager")
        return group.sudo().users.filtered(lambda user: user.active and not user.share and self in user.company_ids)
