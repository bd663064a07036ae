from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

from ...lib.dunning import DIRECTIVE_COMPENSATION, DIRECTIVE_MARGIN, interest_rate

_lt = LazyTranslate(__name__)

STANDARD_POLICY_NAME = _lt("Standard dunning")
# The names and messages of the standard levels, by delay: written in English, translated into
# every installed language (credit.code.terms.mixin).
STANDARD_LEVEL_NAMES = {
    -3: _lt("Friendly reminder"),
    0: _lt("Due date reminder"),
    7: _lt("First reminder"),
    15: _lt("Second reminder"),
    30: _lt("Final notice"),
}
STANDARD_LEVEL_MESSAGES = {
    -3: _lt("This is a friendly reminder that the following items fall due in a few days."),
    0: _lt("The following items fall due today. If you have already paid, please ignore this message."),
    7: _lt("We have not yet received payment of the following overdue items. Please pay them promptly."),
    15: _lt(
        "Despite our reminder, the following items are still unpaid. Please pay them now; "
        "our team will call you to settle them."
    ),
    30: _lt(
        "This is our final notice: the following items are seriously overdue. Further deliveries on "
        "credit are suspended until they are paid."
    ),
}

# The default policy of common practice:
# (delay, email, letter, call, escalation, hold, interest and compensation)
DEFAULT_LEVELS = [
    (-3, True, False, False, "salesperson", False, False),
    (0, True, False, False, "salesperson", False, False),
    (7, True, False, False, "accountant", False, False),
    (15, True, False, True, "salesperson", False, False),
    (30, True, True, True, "credit_manager", True, True),
]


class CreditDunningPolicy(models.Model):
    """How a company chases late payers: ordered levels, each with its channels.

    Every company has one default policy, ``res.company.credit_dunning_policy_id`` (created
    from the standard one when missing); a customer may be given another one of the same company.
    """

    _name = "credit.dunning.policy"
    _description = "Dunning Policy"
    _inherit = ["mail.thread", "credit.company.default.mixin", "credit.code.terms.mixin"]
    _order = "company_id, name, id"
    _company_default_field = "credit_dunning_policy_id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    is_default = fields.Boolean(
        help="The policy of every customer of the company that has no policy of its own "
        "(the company's default dunning policy, also set in the settings)."
    )
    level_ids = fields.One2many(
        "credit.dunning.level",
        "policy_id",
        string="Levels",
        copy=True,
        help="Levels are sent one at a time: a customer's item gets the level after the last one sent to it, "
        "once that level's delay has passed and at least the difference of the two levels' delays after the "
        "previous reminder. An item found overdue late starts with the first level after the due date (the "
        "reminders before it are skipped) and climbs a level per run; the preview warns about the items "
        "overdue beyond a higher level. A broken promise to pay sends the next level at once.",
    )
    level_count = fields.Integer(compute="_compute_level_count")
    accountant_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        help="Receives the activities of levels escalated to the accountant (default: the user running the dunning).",
    )
    credit_manager_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        help="Receives the activities of levels escalated to the credit manager "
        "(default: the first credit manager of the company).",
    )
    minimum_amount = fields.Monetary(
        currency_field="currency_id",
        default=0.0,
        tracking=True,
        help="Customers are dunned only when they owe at least this amount (company currency), net of their "
        "unapplied payments and credit notes, as the credit check reads their overdue. A customer who owes "
        "nothing net is never dunned.",
    )
    attach_statement = fields.Boolean(
        default=True,
        help="Attach the customer's statement of open items (PDF) to every dunning email.",
    )
    # --- fees and interest (EU Late Payment Directive defaults, off by default) ---
    charge_fees = fields.Boolean(
        string="Charge Fees and Interest",
        tracking=True,
        help="Propose the fees, late interest and fixed compensation of the levels as a draft invoice "
        "for an accountant to post. Nothing is posted automatically.",
    )
    interest_reference_rate = fields.Float(
        string="Reference Rate (%)",
        default=2.15,
        digits=(16, 2),
        tracking=True,
        help="Yearly reference rate of the central bank (ECB main refinancing rate in the euro area), "
        "updated every half-year.",
    )
    interest_margin = fields.Float(
        string="Interest Margin (points)",
        default=DIRECTIVE_MARGIN,
        digits=(16, 2),
        tracking=True,
        help="Points added to the reference rate: 8 under the EU Late Payment Directive.",
    )
    interest_rate = fields.Float(
        string="Late Interest Rate (%)",
        compute="_compute_interest_rate",
        digits=(16, 2),
        help="Yearly rate of the late interest: reference rate plus margin.",
    )
    compensation_amount = fields.Monetary(
        string="Fixed Compensation",
        default=DIRECTIVE_COMPENSATION,
        currency_field="currency_id",
        tracking=True,
        help="Fixed compensation for recovery costs, charged once per late invoice "
        "(EUR 40 under the EU Late Payment Directive).",
    )
    fee_journal_id = fields.Many2one(
        "account.journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', company_id)]",
        check_company=True,
        help="Sales journal of the fee invoices (default: the company's first sales journal).",
    )

    _sql_constraints = [
        ("interest_not_negative", "CHECK(interest_margin >= 0)", "The interest margin cannot be negative."),
        (
            "compensation_not_negative",
            "CHECK(compensation_amount >= 0)",
            "The fixed compensation cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.depends("interest_reference_rate", "interest_margin")
    def _compute_interest_rate(self):
        for policy in self:
            policy.interest_rate = interest_rate(policy.interest_reference_rate, policy.interest_margin)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("level_ids", "active")
    def _check_levels(self):
        for policy in self:
            if not policy.level_ids:
                raise ValidationError(_("The dunning policy %(name)s needs at least one level.", name=policy.name))

    @api.constrains("level_ids")
    def _check_level_delays(self):
        """Levels strictly increasing in delay: each one comes later than the previous one."""
        for policy in self:
            delays = policy.level_ids.mapped("delay_days")
            if len(delays) != len(set(delays)):
                raise ValidationError(
                    _(
                        "Two levels of the dunning policy %(name)s have the same delay: each level must come "
                        "later than the previous one.",
                        name=policy.name,
                    )
                )

    @api.constrains("minimum_amount", "compensation_amount", "interest_margin", "interest_reference_rate")
    def _check_amounts(self):
        for policy in self:
            if policy.minimum_amount < 0:
                raise ValidationError(
                    _("The minimum amount of the dunning policy %(name)s cannot be negative.", name=policy.name)
                )
            if policy.compensation_amount < 0 or policy.interest_margin < 0 or policy.interest_rate < 0:
                raise ValidationError(
                    _(
                        "The fixed compensation, the interest margin and the late interest rate of the dunning "
                        "policy %(name)s cannot be negative.",
                        name=policy.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        # the levels deleted through the policy are checked by the policy's own constraints
        return super(CreditDunningPolicy, self.with_context(credit_dunning_policy_write=True)).write(vals)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_default(self, company):
        """The company's default policy, created from the standard one when it has none
        (or when its default was archived)."""
        policy = company.sudo().credit_dunning_policy_id
        if not policy.active:
            policy = self._create_standard(company)
        return policy

    @api.model
    def _create_standard(self, company):
        """Create the policy of common practice (see DEFAULT_LEVELS) for ``company``."""
        template = self.env.ref("credit_control.mail_template_credit_dunning", raise_if_not_found=False)
        level_vals = [
            Command.create(
                {
                    "name": STANDARD_LEVEL_NAMES[delay]._source,
                    "delay_days": delay,
                    "send_email": email,
                    "mail_template_id": template.id if template else False,
                    "send_letter": letter,
                    "create_call_activity": call,
                    "escalation_target": escalation,
                    "hold_from_level": hold,
                    "apply_interest": charges,
                    "apply_compensation": charges,
                    "message": STANDARD_LEVEL_MESSAGES[delay]._source,
                }
            )
            for delay, email, letter, call, escalation, hold, charges in DEFAULT_LEVELS
        ]
        policy = (
            self.sudo()
            .with_context(lang="en_US")
            .create({"name": STANDARD_POLICY_NAME._source, "company_id": company.id, "level_ids": level_vals})
        )
        policy._fill_code_translations()
        policy.level_ids._fill_code_translations()
        policy = policy.with_env(self.sudo().env)
        company.sudo().credit_dunning_policy_id = policy
        return policy

    @api.model
    def _get_code_terms(self):
        return {**super()._get_code_terms(), "name": [STANDARD_POLICY_NAME]}

    @api.model
    def _create_missing_defaults(self):
        """Give every company without one the standard policy (install and new companies)."""
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            self._get_default(company)

    def _levels_by_rank(self):
        """The policy's levels, rank 1 first."""
        self.ensure_one()
        return self.level_ids.sorted(lambda level: (level.delay_days, level._origin.id or 0))
