from odoo import fields, models


class ResCompany(models.Model):
    """Collections settings: worklist weights, escalation, promises, statements."""

    _inherit = "res.company"

    credit_collection_min_amount = fields.Monetary(
        string="Worklist Minimum Overdue",
        currency_field="currency_id",
        default=0.0,
        help="Customers owing less than this overdue (net of their unapplied payments and credit notes) "
        "get no worklist task.",
        prefetch="credit_control",
    )
    credit_collection_weight_amount = fields.Float(
        string="Priority Weight: Overdue Amount",
        default=10.0,
        help="Points per order of magnitude of the overdue amount weighted by age and grade risk.",
        prefetch="credit_control",
    )
    credit_collection_weight_broken = fields.Float(
        string="Priority Weight: Broken Promise",
        default=5.0,
        help="Points per promise to pay broken in 12 months.",
        prefetch="credit_control",
    )
    credit_collection_weight_final = fields.Float(
        string="Priority Weight: Final Level",
        default=10.0,
        help="Points when the customer reached the last level of its dunning policy.",
        prefetch="credit_control",
    )
    credit_collection_escalation_days = fields.Integer(
        string="Escalate Without Response After (days)",
        default=7,
        help="A worklist task moves to the next role (collector, finance manager, general manager) when "
        "nobody logged a contact within this many days; 0: never.",
        prefetch="credit_control",
    )
    credit_collection_finance_manager_id = fields.Many2one(
        "res.users",
        string="Finance Manager",
        domain="[('share', '=', False)]",
        help="Acts at the dunning levels escalated to the finance manager (default: the first credit manager).",
        prefetch="credit_control",
    )
    credit_collection_general_manager_id = fields.Many2one(
        "res.users",
        string="General Manager",
        domain="[('share', '=', False)]",
        help="The owner of the company: acts at the last role of the escalation (default: the finance manager).",
        prefetch="credit_control",
    )
    credit_promise_tolerance = fields.Float(
        string="Promise Tolerance (%)",
        default=0.0,
        help="A promise to pay is kept when the payments reach the promised amount less this percentage.",
        prefetch="credit_control",
    )
    credit_promise_grace_days = fields.Integer(
        string="Promise Grace Days",
        default=0,
        help="Days after the promised date before a promise not kept is broken.",
        prefetch="credit_control",
    )
    credit_statement_monthly = fields.Boolean(
        string="Monthly Statements",
        help="On the first day of each month, email every customer with open items its statement "
        "(customers can opt out).",
        prefetch="credit_control",
    )
