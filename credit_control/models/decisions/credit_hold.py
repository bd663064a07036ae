from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ...lib.decisions import KIND_INCREASE, KIND_RELEASE, parse_grades, release_above_authority


class CreditHold(models.Model):
    """Holds link to the credit requests made from them; a release above a credit manager's
    authority goes through the tiers of a release request."""

    _inherit = "credit.hold"

    limit_request_ids = fields.One2many("credit.limit.request", "hold_id", string="Credit Requests", readonly=True)
    limit_request_count = fields.Integer(compute="_compute_limit_request_count", compute_sudo=True)
    credit_excess = fields.Monetary(
        string="Excess Over Limit",
        compute="_compute_credit_excess",
        currency_field="company_currency_id",
        help="By how much the order exceeds the credit limit in force, when that is a reason of the hold.",
    )
    release_needs_approval = fields.Boolean(
        compute="_compute_release_needs_approval",
        help="Releasing this hold is above a credit manager's authority: it goes through the approval tiers.",
    )

    @api.depends("limit_request_ids")
    def _compute_limit_request_count(self):
        for hold in self:
            hold.limit_request_count = len(hold.limit_request_ids)

    @api.depends("reason_ids.params")
    def _compute_credit_excess(self):
        for hold in self:
            hold.credit_excess = hold._credit_limit_excess()

    @api.depends("reason_ids.params", "state")
    def _compute_release_needs_approval(self):
        grades = self._credit_grades()
        for hold in self:
            hold.release_needs_approval = hold.state == "pending" and hold._release_above_authority(grades.get(hold.id))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_request_credit(self):
        """Open a new credit request for the customer of this hold, prefilled with what the order needs."""
        self.ensure_one()
        if self.state != "pending":
            raise UserError(_("Credit hold %s was already decided.", self.name))
        partner = self.partner_id.with_company(self.company_id).sudo()
        current = partner.credit_limit
        excess = self._credit_limit_excess()
        requested = current + excess if excess else current
        return self._limit_request_action(
            {
                "default_partner_id": self.partner_id.id,
                "default_kind": KIND_INCREASE if current else "application",
                "default_origin": "hold",
                "default_hold_id": self.id,
                "default_requested_limit": requested,
            }
        )

    def action_request_release_approval(self):
        """Submit a release request to the tiers: the hold is released when they approve it."""
        self.ensure_one()
        self._ensure_can_decide()
        pending = self.limit_request_ids.filtered(
            lambda request: request.kind == KIND_RELEASE and request.state in ("draft", "to_approve")
        )
        if pending:
            raise UserError(
                _(
                    "Release request %(request)s is already waiting for credit hold %(hold)s.",
                    request=pending[0].name,
                    hold=self.name,
                )
            )
        reason = self.env.context.get("credit_release_reason") or _("Release of credit hold %s", self.name)
        request = self.env["credit.limit.request"].create(
            self.env["credit.limit.request"]._prepare_request_values(
                self.partner_id,
                KIND_RELEASE,
                company_id=self.company_id.id,
                origin="hold",
                hold_id=self.id,
                justification=reason,
            )
        )
        request.action_submit()
        return self._limit_request_action({}, request)

    def action_view_limit_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_limit_request")
        action["domain"] = [("hold_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _limit_request_action(self, context, request=None):
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit Request"),
            "res_model": "credit.limit.request",
            "view_mode": "form",
            "views": [(False, "form")],
            "res_id": request.id if request else False,
            "context": context,
        }

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

    def _release(self, reason):
        # approved through the tiers, or passing the rules again by itself (automatic re-evaluation)
        if not (self.env.context.get("credit_release_approved") or self.env.context.get("credit_release_passes")):
            grades = self._credit_grades()
            above = self.filtered(lambda hold: hold._release_above_authority(grades.get(hold.id)))
            if above:
                raise UserError(
                    _(
                        "Releasing %(holds)s is above a credit manager's authority (excess over the limit above "
                        "%(authority)s, or grade %(grades)s): use Request Release Approval, the approval tiers "
                        "decide it.",
                        holds=", ".join(above.mapped("name")),
                        authority=above[0].company_id.currency_id.format(above[0].company_id.credit_release_authority)
                        if above[0].company_id.credit_release_authority
                        else _("no amount"),
                        grades=above[0].company_id.credit_release_director_grades or "-",
                    )
                )
        return super()._release(reason)

    def _credit_limit_excess(self):
        """The excess over the limit in force the credit_limit reason recorded, or 0."""
        self.ensure_one()
        reasons = self.reason_ids.filtered(lambda reason: reason.rule == "credit_limit")
        return max([(reason.params or {}).get("excess") or 0.0 for reason in reasons] or [0.0])

    def _release_above_authority(self, grade):
        self.ensure_one()
        company = self.company_id
        return release_above_authority(
            self._credit_limit_excess(),
            company.credit_release_authority,
            grade,
            parse_grades(company.credit_release_director_grades),
        )

    def _credit_grades(self):
        """{hold id: the customer's current grade}, one query per company."""
        grades = {}
        if "credit.score" not in self.env:
            return grades
        for company, holds in self.grouped("company_id").items():
            current = self.env["credit.score"].sudo()._current_grades(holds.partner_id.ids, company)
            for hold in holds:
                grades[hold.id] = (current.get(hold.partner_id.id) or (False,))[0]
        return grades
