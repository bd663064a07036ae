from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ...lib.decisions import KIND_APPLICATION, KIND_INCREASE, limit_after_expiry, next_review_date

CREDIT_READ_GROUPS = "account.group_account_invoice,account.group_account_readonly,credit_control.group_credit_user"

# what the locked-limit setting lets change only through an approved request
LOCKED_FIELDS = ["credit_limit", "credit_limit_temp_increase", "credit_limit_temp_expiry", "credit_limit_valid_until"]


class ResPartner(models.Model):
    """Credit requests from the Credit tab; with locked limits, limits change only through them."""

    _inherit = "res.partner"

    credit_request_count = fields.Integer(
        compute="_compute_credit_request_count",
        groups="credit_control.group_credit_user,sales_team.group_sale_salesman",
        prefetch="credit_control",
    )
    credit_review_date = fields.Date(
        string="Next Credit Review",
        company_dependent=True,
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="When the daily job asks the credit managers to review this customer's credit; set from the grade when "
        "a limit is decided, brought forward by a grade drop, a registry alert or a broken promise.",
        prefetch="credit_control",
    )
    credit_limit_valid_until = fields.Date(
        string="Limit Valid Until",
        company_dependent=True,
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="After this date the limit in force is what the company decided (no credit, or the suggested limit), "
        "and holds say the credit limit expired; credit managers are reminded 30 days before.",
        prefetch="credit_control",
    )
    credit_insurance_state = fields.Selection(
        [("requested", "Requested"), ("granted", "Granted"), ("reduced", "Reduced"), ("cancelled", "Cancelled")],
        string="Insurance Status",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups=CREDIT_READ_GROUPS,
        help="The status of the customer's current credit insurance cover in this company.",
        prefetch="credit_control",
    )
    credit_insured_limit = fields.Float(
        string="Insured Limit",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_uninsured_exposure = fields.Monetary(
        string="Exposure Above Insured Limit",
        compute="_compute_credit_uninsured_exposure",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_insurance_count = fields.Integer(
        compute="_compute_credit_insurance_count", groups="credit_control.group_credit_user", prefetch="credit_control"
    )
    credit_limit_expired = fields.Boolean(
        string="Limit Expired",
        compute="_compute_credit_limit_expired",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )

    @api.depends_context("company")
    def _compute_credit_uninsured_exposure(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            insured = commercial.credit_insurance_state in ("granted", "reduced", "cancelled")
            partner.credit_uninsured_exposure = (
                max(partner.credit_exposure - commercial.credit_insured_limit, 0.0) if insured else 0.0
            )

    def _compute_credit_insurance_count(self):
        counts = self._credit_count_per_commercial("credit.insurance", sudo=False)
        for partner in self:
            partner.credit_insurance_count = counts.get(partner.commercial_partner_id._origin.id, 0)

    @api.depends_context("company")
    @api.depends("credit_limit_valid_until")
    def _compute_credit_limit_expired(self):
        today = fields.Date.context_today(self)
        for partner in self:
            valid_until = partner.commercial_partner_id.credit_limit_valid_until
            partner.credit_limit_expired = bool(valid_until) and valid_until < today

    def _compute_credit_request_count(self):
        counts = self._credit_count_per_commercial("credit.limit.request", sudo=False)
        for partner in self:
            partner.credit_request_count = counts.get(partner.commercial_partner_id._origin.id, 0)

    @api.model_create_multi
    def create(self, vals_list):
        if self._credit_limits_locked() and any(vals.get(name) for vals in vals_list for name in LOCKED_FIELDS):
            self._raise_credit_limit_locked()
        return super().create(vals_list)

    def write(self, vals):
        changing = [name for name in LOCKED_FIELDS if name in vals]
        if changing and self._credit_limits_locked() and self._credit_values_change(vals, changing):
            self._raise_credit_limit_locked()
        return super().write(vals)

    def action_request_credit(self):
        """A new credit request for this customer in the current company, from its Credit tab."""
        self.ensure_one()
        partner = self.commercial_partner_id
        limit = partner.sudo().credit_limit
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit Request"),
            "res_model": "credit.limit.request",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_partner_id": partner.id,
                "default_kind": KIND_INCREASE if limit else KIND_APPLICATION,
                "default_origin": "manual",
                "default_requested_limit": limit,
            },
        }

    def action_view_credit_file(self):
        """The credit file: every credit decision on this customer, newest first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_file_event")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["name"] = _("Credit File of %s", self.commercial_partner_id.display_name)
        return action

    def action_view_credit_insurance(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_insurance")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_credit_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_limit_request")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def _credit_limit_in_force(self, today):
        """Past its validity date, the limit is replaced by the company's choice (0 or the suggested
        limit); with the insurance cap, it is at most the insured limit plus the uninsured tolerance."""
        limit = super()._credit_limit_in_force(today)
        company = self.env.company
        valid_until = self.credit_limit_valid_until
        if valid_until and today > valid_until:
            policy = company.credit_limit_expiry_policy
            suggested = self.credit_suggested_limit if policy == "suggested" else 0.0
            limit = (
                limit - self.credit_limit + limit_after_expiry(self.credit_limit, valid_until, today, policy, suggested)
            )
        if company.credit_insurance_mode == "cap" and self.credit_insurance_state in (
            "granted",
            "reduced",
            "cancelled",
        ):
            limit = min(limit, self.credit_insured_limit + company.credit_insurance_tolerance)
        return limit

    @api.model
    def _get_credit_manager_fields(self):
        return super()._get_credit_manager_fields() + ["credit_review_date", "credit_limit_valid_until"]

    def _credit_schedule_reviews(self, company, today, force_today=False):
        """Set the next review date of these commercial partners in ``company``: from their grade
        (one write per grade), or today when an event calls for a review now (only brought
        forward, never pushed back)."""
        # the date is no decision: not tracked in the chatter
        partners = self.with_company(company).sudo().with_context(mail_notrack=True)
        if force_today:
            partners.filtered(
                lambda partner: not partner.credit_review_date or partner.credit_review_date > today
            ).write({"credit_review_date": today})
            return
        frequencies = company._credit_review_frequencies()
        grades = self.env["credit.score"].sudo()._current_grades(partners.ids, company)
        by_date = {}
        for partner in partners:
            grade = (grades.get(partner.id) or (False,))[0]
            by_date.setdefault(next_review_date(today, grade, frequencies), []).append(partner.id)
        for review_date, ids in by_date.items():
            partners.browse(ids).write({"credit_review_date": review_date})

    def _credit_limits_locked(self):
        """Whether the current company locks limits, and this is no approved request applying itself.

        The superuser (automatic limit cuts of the scoring, scripts) is not stopped."""
        return (
            self.env.company.credit_limit_locked
            and not self.env.context.get("credit_limit_request_apply")
            and not self.env.su
        )

    def _raise_credit_limit_locked(self):
        raise UserError(
            _(
                "In %(company)s credit limits and temporary increases change only through approved "
                "credit requests: use Request Credit on the customer's Credit tab (or Request More Credit on a "
                "held order).",
                company=self.env.company.name,
            )
        )
