from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.aging import AgingBoundaryError, parse_boundaries
from ..lib.limits import NO_LIMIT_NO_CREDIT, NO_LIMIT_UNLIMITED


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_hold_enabled = fields.Boolean(
        string="Credit Holds",
        help="Check every sale order at confirmation and put it on credit hold when the "
        "customer is over its limit, overdue beyond tolerance, on manual hold or blacklisted.",
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

    credit_aging_basis = fields.Selection(
        selection=[("due_date", "Due date"), ("invoice_date", "Invoice date")],
        string="Age Receivables By",
        default="due_date",
        required=True,
        help="Days of an open item are counted from its due date, or from its invoice date.",
    )
    credit_aging_boundaries = fields.Char(
        string="Aging Buckets",
        default="30,60,90,120",
        required=True,
        help="Upper bounds of the overdue buckets in days, increasing: 30,60,90,120 gives "
        "Not due, 1-30, 31-60, 61-90, 91-120 and Over 120.",
    )

    # --- scoring: automatic limit cuts and early warnings ---
    credit_auto_limit_cut = fields.Boolean(
        string="Cut Limits Automatically",
        help="When a customer's grade drops, or its suggested limit falls below its limit by the "
        "percentage set, the daily scoring lowers the limit to the suggested one. Limits are never raised "
        "automatically.",
    )
    credit_auto_limit_cut_percent = fields.Float(
        string="Cut When Suggested Limit Is Lower By (%)",
        default=20.0,
        help="Cut the limit when the suggested limit is this percentage below it.",
    )
    credit_alert_exposure = fields.Boolean(string="Alert: Exposure Near Limit", default=True)
    credit_alert_exposure_percent = fields.Float(string="Exposure Alert At (% of Limit)", default=90.0)
    credit_alert_score = fields.Boolean(string="Alert: Score or Grade Drop", default=True)
    credit_alert_score_drop = fields.Float(string="Score Drop Alert (Points)", default=10.0)
    credit_alert_overdue = fields.Boolean(string="Alert: New Overdue", default=True)
    credit_alert_overdue_days = fields.Integer(string="Overdue Alert After (Days)", default=30)
    credit_alert_days_late = fields.Boolean(string="Alert: Paying Later", default=True)
    credit_alert_days_late_increase = fields.Float(
        string="Paying Later Alert (Days)",
        default=5.0,
        help="Alert when the average days late of the last 90 days exceeds the 90 days before by this many days.",
    )

    # --- registry ---
    credit_registry_hold = fields.Boolean(
        string="Hold Customers in Insolvency",
        default=True,
        help="Hold the orders of customers a registry reports in insolvency, liquidation or dissolved. An "
        "unknown registry status never holds an order.",
    )

    @api.constrains(
        "credit_auto_limit_cut_percent",
        "credit_alert_exposure_percent",
        "credit_alert_score_drop",
        "credit_alert_overdue_days",
        "credit_alert_days_late_increase",
    )
    def _check_credit_scoring_settings(self):
        for company in self:
            if not 0 <= company.credit_auto_limit_cut_percent <= 100:
                raise ValidationError(_("The automatic limit cut percentage must be between 0 and 100."))
            if company.credit_alert_exposure_percent <= 0:
                raise ValidationError(_("The exposure alert percentage must be positive."))
            if (
                company.credit_alert_score_drop <= 0
                or company.credit_alert_overdue_days < 0
                or company.credit_alert_days_late_increase <= 0
            ):
                raise ValidationError(_("Alert thresholds must be positive."))

    @api.constrains("credit_aging_boundaries")
    def _check_credit_aging_boundaries(self):
        for company in self:
            self._validate_aging_boundaries(company.credit_aging_boundaries, company.name)

    @api.model
    def _validate_aging_boundaries(self, text, owner):
        """Parse bucket boundaries or raise a ValidationError that says what is wrong."""
        try:
            return parse_boundaries(text)
        except AgingBoundaryError as error:
            reasons = {
                "empty": _("give at least one boundary, e.g. 30,60,90,120"),
                "not_integer": _("boundaries are whole numbers of days separated by commas"),
                "not_positive": _("boundaries must be positive"),
                "not_increasing": _("each boundary must be greater than the one before"),
            }
            raise ValidationError(
                _(
                    "The aging buckets “%(buckets)s” of %(owner)s are not valid: %(reason)s.",
                    buckets=text or "",
                    owner=owner,
                    reason=reasons[error.reason],
                )
            ) from error

    @api.constrains("credit_overdue_tolerance_days", "credit_overdue_tolerance_amount")
    def _check_credit_overdue_tolerance(self):
        for company in self:
            if company.credit_overdue_tolerance_days < 0 or company.credit_overdue_tolerance_amount < 0:
                raise ValidationError(_("The overdue tolerance of %s cannot be negative.", company.name))
