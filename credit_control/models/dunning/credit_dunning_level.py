from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...lib.dunning import MAX_LEVEL_DELAY, MIN_LEVEL_DELAY
from .credit_dunning_policy import STANDARD_LEVEL_MESSAGES, STANDARD_LEVEL_NAMES

ESCALATION_TARGETS = [
    ("salesperson", "Salesperson"),
    ("accountant", "Accountant"),
    ("credit_manager", "Credit manager"),
    ("user", "Named user"),
]


class CreditDunningLevel(models.Model):
    """One step of a dunning policy: when (days from the due date) and how (channels)."""

    _name = "credit.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, delay_days, id"
    _check_company_auto = True
    _inherit = ["credit.code.terms.mixin"]

    policy_id = fields.Many2one("credit.dunning.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="policy_id.currency_id")
    name = fields.Char(required=True, translate=True)
    delay_days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="Days after the due date at which an item reaches this level; negative for a friendly "
        "reminder before the due date (from 30 days before to 365 days after it). Levels are sent one at "
        "a time: an item gets this level only after the previous one was sent, and at least the difference "
        "of the two delays later.",
    )
    rank = fields.Integer(
        compute="_compute_rank",
        store=True,
        help="Position of the level in its policy: 1 is the first level.",
    )
    message = fields.Html(
        translate=True,
        help="The text of the email and of the letter, above the list of overdue items.",
    )
    # --- channels ---
    send_email = fields.Boolean(string="Email", default=True)
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'credit.dunning.communication')]",
        help="Template of the email; the customer's statement of open items is attached.",
    )
    send_letter = fields.Boolean(string="Letter", help="Prepare a letter (PDF) to print and post.")
    create_call_activity = fields.Boolean(
        string="Phone Call",
        help="Schedule a phone call activity on the customer for the escalation target.",
    )
    sms_text = fields.Text(
        string="SMS Text",
        translate=True,
        help="Text kept ready on each communication, to send with any SMS provider. Placeholders: "
        "%(customer)s, %(amount)s, %(company)s, %(level)s.",
    )
    escalation_target = fields.Selection(
        ESCALATION_TARGETS,
        string="Escalate To",
        default="salesperson",
        required=True,
        help="Who gets the phone call activity, or the follow-up activity when the customer can be "
        "reached neither by email nor by letter.",
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        string="Named User",
        domain="[('share', '=', False)]",
    )
    # --- consequences ---
    fee_fixed = fields.Monetary(
        string="Fee",
        currency_field="currency_id",
        help="Dunning fee charged with this level (only when the policy charges fees).",
    )
    apply_interest = fields.Boolean(
        string="Late Interest",
        help="Charge late interest on the items at this level (only when the policy charges fees).",
    )
    apply_compensation = fields.Boolean(
        string="Fixed Compensation",
        help="Charge the policy's fixed compensation once per late invoice (only when the policy charges fees).",
    )
    hold_from_level = fields.Boolean(
        string="Credit Hold From This Level",
        help="A customer that received this level, or a later one, has its orders held at confirmation "
        "until the items are paid.",
    )

    _sql_constraints = [
        ("fee_not_negative", "CHECK(fee_fixed >= 0)", "A dunning fee cannot be negative."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("policy_id.level_ids.delay_days")
    def _compute_rank(self):
        for policy in self.policy_id:
            for rank, level in enumerate(policy._levels_by_rank(), 1):
                level.rank = rank
        for level in self.filtered(lambda level: not level.policy_id):
            level.rank = 0

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("delay_days", "policy_id")
    def _check_delay_days(self):
        """A level written on its own is checked like the levels of its policy."""
        for level in self:
            if not MIN_LEVEL_DELAY <= level.delay_days <= MAX_LEVEL_DELAY:
                raise ValidationError(
                    _(
                        "The delay of the dunning level %(level)s must be between %(min)s and %(max)s days "
                        "after the due date (%(days)s given).",
                        level=level.name,
                        min=MIN_LEVEL_DELAY,
                        max=MAX_LEVEL_DELAY,
                        days=level.delay_days,
                    )
                )
        self.policy_id._check_level_delays()

    @api.constrains("fee_fixed")
    def _check_fee_fixed(self):
        for level in self:
            if level.fee_fixed < 0:
                raise ValidationError(_("The fee of the dunning level %(level)s cannot be negative.", level=level.name))

    @api.constrains("escalation_target", "escalation_user_id")
    def _check_escalation_user(self):
        for level in self:
            if level.escalation_target == "user" and not level.escalation_user_id:
                raise ValidationError(
                    _("The dunning level %(level)s escalates to a named user: choose the user.", level=level.name)
                )

    @api.constrains("send_email", "mail_template_id")
    def _check_template(self):
        for level in self:
            if level.send_email and not level.mail_template_id:
                raise ValidationError(
                    _("The dunning level %(level)s sends an email: choose its email template.", level=level.name)
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        old_policies = self.policy_id if "policy_id" in vals else self.env["credit.dunning.policy"]
        result = super().write(vals)
        # a level moved to another policy must not leave its policy without levels
        (old_policies - self.policy_id)._check_levels()
        return result

    def unlink(self):
        policies = self.policy_id
        result = super().unlink()
        if not self.env.context.get("credit_dunning_policy_write"):
            # deleted on its own (not through its policy, which checks its levels itself)
            policies.exists()._check_levels()
        return result

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _effective_hold(self):
        """Whether reaching this level holds the customer: it, or an earlier level, says so."""
        self.ensure_one()
        return any(
            level.hold_from_level and level.rank <= self.rank for level in self.policy_id.level_ids if level.rank
        )

    def _channel_labels(self):
        self.ensure_one()
        labels = []
        if self.send_email:
            labels.append(_("Email"))
        if self.send_letter:
            labels.append(_("Letter"))
        if self.create_call_activity:
            labels.append(_("Phone call"))
        if self.sms_text:
            labels.append(_("SMS"))
        return ", ".join(labels)

    @api.model
    def _get_code_terms(self):
        return {
            **super()._get_code_terms(),
            "name": list(STANDARD_LEVEL_NAMES.values()),
            "message": list(STANDARD_LEVEL_MESSAGES.values()),
        }
