from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...lib.decisions import DEFAULT_REVIEW_MONTHS, EXPIRY_SUGGESTED, EXPIRY_ZERO


class ResCompany(models.Model):
    """How credit is decided in the company: locked limits, release authority, default tiers."""

    _inherit = "res.company"

    credit_limit_locked = fields.Boolean(
        string="Limits Change Only Through Approved Requests",
        help="Nobody, credit managers included, edits a credit limit, temporary increase or validity date "
        "directly: they change when a credit request is approved.",
        prefetch="credit_control",
    )
    credit_release_authority = fields.Monetary(
        string="Release Authority",
        currency_field="currency_id",
        help="A credit manager releases holds whose excess over the limit is up to this amount; above it, the "
        "release goes through the approval tiers. 0: no amount limit.",
        prefetch="credit_control",
    )
    credit_release_director_grades = fields.Char(
        string="Grades Released Through Tiers",
        default="D",
        help="Comma-separated grades whose holds are released only through the approval tiers.",
        prefetch="credit_control",
    )

    credit_review_enabled = fields.Boolean(
        string="Periodic Credit Reviews",
        default=True,
        help="A daily job creates a review request for every customer with credit whose review date has come.",
        prefetch="credit_control",
    )
    credit_review_months_a = fields.Integer(
        string="Review Grade A (Months)", default=DEFAULT_REVIEW_MONTHS["A"], prefetch="credit_control"
    )
    credit_review_months_b = fields.Integer(
        string="Review Grade B (Months)", default=DEFAULT_REVIEW_MONTHS["B"], prefetch="credit_control"
    )
    credit_review_months_c = fields.Integer(
        string="Review Grade C (Months)", default=DEFAULT_REVIEW_MONTHS["C"], prefetch="credit_control"
    )
    credit_review_months_d = fields.Integer(
        string="Review Grade D (Months)", default=DEFAULT_REVIEW_MONTHS["D"], prefetch="credit_control"
    )
    credit_limit_expiry_policy = fields.Selection(
        [(EXPIRY_ZERO, "No credit"), (EXPIRY_SUGGESTED, "The suggested limit")],
        string="After a Limit's Validity Date",
        default=EXPIRY_ZERO,
        required=True,
        help="The limit in force once a customer's limit is past its validity date, until a new decision: zero, "
        "or the scorecard's suggested limit (never more than the limit itself).",
        prefetch="credit_control",
    )

    credit_insurance_mode = fields.Selection(
        [("cap", "Cap the limit at the insured limit"), ("warn", "Only warn")],
        string="Credit Insurance",
        default="warn",
        required=True,
        help="Cap: the limit in force of an insured customer is at most its insured limit plus the uninsured "
        "tolerance (a cancelled cover leaves the tolerance only). Warn: the limit stays, the Credit tab shows the "
        "exposure above the insured limit.",
        prefetch="credit_control",
    )
    credit_insurance_tolerance = fields.Monetary(
        string="Uninsured Tolerance",
        currency_field="currency_id",
        help="What an insured customer may owe above its insured limit when the limit is capped.",
        prefetch="credit_control",
    )

    @api.constrains("credit_release_authority")
    def _check_credit_release_authority(self):
        for company in self:
            if company.credit_release_authority < 0:
                raise ValidationError(_("The release authority of %s cannot be negative.", company.name))

    @api.constrains(
        "credit_review_months_a", "credit_review_months_b", "credit_review_months_c", "credit_review_months_d"
    )
    def _check_credit_review_months(self):
        for company in self:
            if min(company._credit_review_frequencies().values()) < 1:
                raise ValidationError(_("Review frequencies of %s must be at least one month.", company.name))

    def _credit_review_frequencies(self):
        """{grade: months between two reviews}."""
        self.ensure_one()
        return {
            "A": self.credit_review_months_a,
            "B": self.credit_review_months_b,
            "C": self.credit_review_months_c,
            "D": self.credit_review_months_d,
        }

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["tier.definition"].sudo()._create_credit_default_tiers(companies)
        return companies
