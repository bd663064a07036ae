from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

REQUEST_ACTIVITY = "credit_control.mail_activity_type_credit_release_request"


class CreditHold(models.Model):
    """The salesperson's side of a hold: he comments and attaches proof of payment in the chatter
    (posting needs read access only: his record rule), and asks for a release with a justification.
    The decision stays the credit managers' (``_release`` and the access rights are unchanged)."""

    _inherit = "credit.hold"
    _mail_post_access = "read"

    release_requested = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="The salesperson asked the credit managers to release this hold.",
    )
    release_request_date = fields.Datetime(string="Release Requested On", readonly=True, copy=False)
    release_requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    release_request_note = fields.Text(
        string="Release Justification",
        readonly=True,
        copy=False,
        help="Why the salesperson asks for the release; offered as the reason of the release.",
    )
    partner_grade = fields.Char(
        string="Grade",
        compute="_compute_partner_grade",
        help="The customer's current credit grade in the hold's company.",
    )

    def _compute_partner_grade(self):
        """One query per company for all the holds of the list."""
        self.partner_grade = False
        for company, holds in self.grouped("company_id").items():
            grades = self.env["credit.score"].sudo()._current_grades(holds.partner_id.ids, company)
            for hold in holds:
                hold.partner_grade = grades.get(hold.partner_id.id, (False,))[0]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_request_release(self):
        self.ensure_one()
        self._ensure_can_request_release()
        return {
            "type": "ir.actions.act_window",
            "name": _("Request Release"),
            "res_model": "credit.hold.release.request",
            "view_mode": "form",
            "target": "new",
            "context": {"default_hold_id": self.id},
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _ensure_can_request_release(self):
        """Anyone who reads the hold (its salesperson) may ask, while it is pending."""
        self.check_access("read")
        not_pending = self.filtered(lambda hold: hold.state != "pending")
        if not_pending:
            raise UserError(_("These credit holds were already decided: %s", ", ".join(not_pending.mapped("name"))))

    def _request_release(self, justification):
        """Record the request, post it in the chatter as its author, and give every credit manager of
        the company an activity (as superuser: the salesperson writes nothing else on the hold)."""
        self._ensure_can_request_release()
        justification = (justification or "").strip()
        if not justification:
            raise UserError(_("Say why the credit hold should be released."))
        for hold in self:
            hold.sudo().write(
                {
                    "release_requested": True,
                    "release_request_date": fields.Datetime.now(),
                    "release_requested_by_id": self.env.uid,
                    "release_request_note": justification,
                }
            )
            managers = hold.company_id._get_credit_managers()
            body = Markup("<p>%s</p><p>%s</p>") % (
                _("%(user)s requests the release of credit hold %(hold)s:", user=self.env.user.name, hold=hold.name),
                justification,
            )
            hold.message_post(body=body, subtype_xmlid="mail.mt_note", partner_ids=managers.partner_id.ids)
            hold._schedule_release_request_activities(managers, justification)
        return True

    def _schedule_release_request_activities(self, managers, justification):
        self.ensure_one()
        activity_type = self.env.ref(REQUEST_ACTIVITY)
        waiting = self.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)
        for manager in managers - waiting.user_id:
            hold = self.sudo().with_context(lang=manager.lang)
            hold.activity_schedule(
                REQUEST_ACTIVITY,
                user_id=manager.id,
                summary=_("Release requested: %s", hold.name),
                note=Markup("<p>%s</p>") % justification,
            )

    def _log_decision(self, decision, reason):
        """A decision answers the release request too."""
        self.sudo().activity_feedback([REQUEST_ACTIVITY], feedback=reason)
        return super()._log_decision(decision, reason)

    @api.model
    def _get_release_reason_default(self, holds):
        """The salesperson's justification offered as the release reason (one hold with a request)."""
        return holds.release_request_note if len(holds) == 1 and holds.release_requested else False
