from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...lib.aging import AgingBoundaryError, parse_boundaries


class ResCompany(models.Model):
    """How the company ages its receivables."""

    _inherit = "res.company"

    credit_aging_basis = fields.Selection(
        selection=[("due_date", "Due date"), ("invoice_date", "Invoice date")],
        string="Age Receivables By",
        default="due_date",
        required=True,
        help="Days of an open item are counted from its due date, or from its invoice date.",
        prefetch="credit_control",
    )
    credit_aging_boundaries = fields.Char(
        string="Aging Buckets",
        default="30,60,90,120",
        required=True,
        help="Upper bounds of the overdue buckets in days, increasing: 30,60,90,120 gives "
        "Not due, 1-30, 31-60, 61-90, 91-120 and Over 120.",
        prefetch="credit_control",
    )

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
