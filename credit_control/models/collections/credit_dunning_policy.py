from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CreditDunningPolicy(models.Model):
    """Throttle: quiet days between two reminders to one customer."""

    _inherit = "credit.dunning.policy"

    quiet_days = fields.Integer(
        default=0,
        tracking=True,
        help="Days without a new reminder after one was sent to a customer, whatever its items "
        "(each item already waits the difference of its levels' delays); 0: no quiet period.",
    )

    @api.constrains("quiet_days")
    def _check_quiet_days(self):
        for policy in self:
            if policy.quiet_days < 0:
                raise ValidationError(
                    _("The quiet days of the dunning policy %(name)s cannot be negative.", name=policy.name)
                )
