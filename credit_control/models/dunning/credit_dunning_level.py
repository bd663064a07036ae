from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

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

    policy_id = fields.Many2one("credit.dunning.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="policy_id.currency_id")
    name = fields.Char(required=True, translate=True)
    delay_days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="Days after the due date at which an item reaches this level; negative for a friendly "
        "reminder before the due date.",
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
        (
            "delay_unique",
            "unique(policy_id, delay_days)",
            "Two levels of a dunning policy cannot have the same delay.",
        ),
        ("fee_not_negative", "CHECK(fee_fixed >= 0)", "A dunning fee cannot be negative."),
    ]

    @api.depends("policy_id.level_ids.delay_days")
    def _compute_rank(self):
        for policy in self.policy_id:
            for rank, level in enumerate(policy._levels_by_rank(), 1):
                level.rank = rank
        for level in self.filtered(lambda level: not level.policy_id):
            level.rank = 0

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
