from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ...lib.dunning import render_text, salutation_name, sms_segments
from .credit_dunning_communication import LETTER_REPORT

# The layout of the reminders: written for the customer (no "Your Dunning Communication"
# header, no View / Unfollow links, which Odoo's notification layouts add for followers).
CUSTOMER_LAYOUT = "credit_control.mail_layout_dunning_customer"


class CreditDunningCommunication(models.Model):
    """The preview of a dunning communication before Send, and the collector's say on it.

    Kept apart from the sending methods (``credit_dunning_communication.py``): the preview
    renders what ``_send`` would send (the mail in the customer's language and layout, the
    letter, the SMS, to whom and on which channel) without writing anything; the collector
    excludes a customer from the run or postpones it to a date (the selection skips it
    until then, ``credit.dunning.selection._select_customers``).
    """

    _inherit = "credit.dunning.communication"

    excluded = fields.Boolean(readonly=True, help="Left out of this run by the collector: nothing is sent.")
    excluded_by_id = fields.Many2one("res.users", string="Excluded by", readonly=True)
    excluded_date = fields.Datetime(string="Excluded On", readonly=True)
    remind_date = fields.Date(
        string="Remind Me On",
        readonly=True,
        index="btree_not_null",
        help="Postponed: the customer is not dunned before this date; the collector gets an activity on it.",
    )
    remind_activity_id = fields.Many2one("mail.activity", string="Reminder", readonly=True, ondelete="set null")
    # --- preview (computed, nothing written) ---
    preview_channels = fields.Char(
        string="Channels Planned", compute="_compute_preview_recipients", help="The channels Send will use."
    )
    preview_recipient = fields.Char(string="Sent To", compute="_compute_preview_recipients")
    preview_recipients = fields.Text(string="Recipients", compute="_compute_preview_recipients")
    preview_issue = fields.Char(string="Not Sendable", compute="_compute_preview_recipients")
    preview_subject = fields.Char(string="Subject", compute="_compute_preview_mail")
    preview_body = fields.Html(string="Email Preview", compute="_compute_preview_mail", sanitize=False)
    preview_letter = fields.Html(string="Letter Preview", compute="_compute_preview_letter", sanitize=False)
    preview_sms = fields.Text(string="SMS Preview", compute="_compute_preview_sms")
    preview_sms_length = fields.Integer(string="SMS Length", compute="_compute_preview_sms")
    preview_sms_segments = fields.Integer(string="SMS Parts", compute="_compute_preview_sms")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("excluded", "remind_date", "state", "level_id", "recipient_id", "partner_id")
    @api.depends_context("lang")
    def _compute_preview_recipients(self):
        for communication in self:
            plan = communication._plan_channels()
            labels = []
            lines = []
            for channel, label in communication._preview_channel_labels():
                if plan.get(channel):
                    labels.append(label)
                    lines.append("%s: %s" % (label, plan[channel]))
            communication.preview_channels = ", ".join(labels)
            communication.preview_recipients = "\n".join(lines)
            communication.preview_recipient = plan.get("email") or plan.get("letter") or plan.get("sms") or False
            communication.preview_issue = plan.get("issue") or False

    @api.depends("level_id", "recipient_id", "mail_id", "amount_due", "line_ids.excluded")
    def _compute_preview_mail(self):
        self.preview_subject = False
        self.preview_body = False
        to_render = self.filtered(
            lambda comm: comm.level_id.mail_template_id and (comm.mail_id or "email" in comm._plan_channels())
        )
        for template in to_render.level_id.mail_template_id:
            communications = to_render.filtered(
                lambda comm, template=template: comm.level_id.mail_template_id == template
            )
            sent = communications.filtered("mail_id")
            for communication in sent:  # what was queued, as it was
                communication.preview_subject = communication.mail_id.subject
                communication.preview_body = communication.mail_id.body_html
            drafts = communications - sent
            if not drafts:
                continue
            template = template.sudo()
            subjects = template._render_field("subject", drafts.ids, compute_lang=True)
            bodies = template._render_field("body_html", drafts.ids, compute_lang=True)
            langs = template._render_lang(drafts.ids)
            for communication in drafts:
                communication.preview_subject = subjects.get(communication.id)
                body = communication._prepare_preview_body(bodies.get(communication.id) or "")
                communication.preview_body = communication._render_customer_layout(body, langs.get(communication.id))

    @api.depends("level_id", "recipient_id", "amount_due", "line_ids.excluded")
    def _compute_preview_letter(self):
        for communication in self:
            if not communication.level_id.send_letter and "letter" not in communication._plan_channels():
                communication.preview_letter = False
                continue
            html, _format = self.env["ir.actions.report"].sudo()._render_qweb_html(LETTER_REPORT, communication.ids)
            communication.preview_letter = Markup(html.decode())

    @api.depends("level_id", "sms_text", "amount_due", "line_ids.excluded")
    def _compute_preview_sms(self):
        for communication in self:
            text = communication.sms_text
            if not text and communication.level_id.sms_text and communication.state in ("draft", "failed"):
                text = render_text(communication.level_id.sms_text, communication._text_values())
            length, segments, _unicode = sms_segments(text)
            communication.preview_sms = text or False
            communication.preview_sms_length = length
            communication.preview_sms_segments = segments

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_exclude(self):
        """Leave these customers out of this run (nothing is sent); re-includable until Send."""
        self._check_still_draft()
        self.write({"excluded": True, "excluded_by_id": self.env.uid, "excluded_date": fields.Datetime.now()})
        return True

    def action_include(self):
        """Take excluded or postponed customers back into this run."""
        self._check_still_draft()
        self.remind_activity_id.sudo().unlink()
        self.write(
            {
                "excluded": False,
                "excluded_by_id": False,
                "excluded_date": False,
                "remind_date": False,
                "remind_activity_id": False,
            }
        )
        return True

    def action_remind_me(self):
        """Ask the date until which these customers are left alone."""
        self._check_still_draft()
        return {
            "type": "ir.actions.act_window",
            "name": _("Remind Me On"),
            "res_model": "credit.dunning.postpone",
            "view_mode": "form",
            "target": "new",
            "context": {"default_communication_ids": self.ids},
        }

    def action_download_letter(self):
        """The letter as the customer will get it (PDF), before it is sent."""
        return self.env.ref(LETTER_REPORT).report_action(self)

    # ------------------------------------------------------------------
    # Business methods: preview
    # ------------------------------------------------------------------

    def _mail_contact(self):
        """The contact the email goes to: the one it went to, or the one Send will choose."""
        self.ensure_one()
        return self.recipient_id or self._find_recipient()

    def _greeting_name(self):
        """The contact's name with its title, in the order of the rendering language
        ("Mr. Wang", "王先生"); used by the email template's greeting."""
        self.ensure_one()
        contact = self._mail_contact()
        title = contact.title.shortcut or contact.title.name
        return salutation_name(contact.name, title, self.env.lang)

    def _preview_channel_labels(self):
        return [("email", _("Email")), ("letter", _("Letter")), ("sms", _("SMS")), ("activity", _("Activity"))]

    def _plan_channels(self):
        """{channel: recipient text} Send would use now, with the fallbacks of ``_send``, and
        ``issue``: why nothing can reach the customer (then nothing is sent)."""
        self.ensure_one()
        level = self.level_id
        plan = {}
        if self.excluded or not level:
            return plan
        recipient = self._mail_contact()
        want_letter = level.send_letter
        if level.send_email:
            if recipient.email:
                plan["email"] = recipient.email_formatted
            else:
                want_letter = True
        phone = self._phone_check(recipient)
        if want_letter and self._has_postal_address(recipient):
            address_owner = self.partner_id if (self.partner_id.street or self.partner_id.city) else recipient
            address = address_owner._display_address(without_company=True)
            plan["letter"] = ", ".join(filter(None, (" ".join(line.split()) for line in address.split("\n"))))
        if level.sms_text and phone.get("phone_e164"):
            plan["sms"] = phone["phone_e164"]
        if not (plan or phone.get("phone_e164")):
            plan["issue"] = self._unreachable_reason(recipient, phone)
            return plan
        if level.create_call_activity or not (plan.get("email") or plan.get("letter")):
            plan["activity"] = self._responsible_user(level).name
        return plan

    def _unreachable_reason(self, recipient, phone):
        if phone.get("phone_invalid"):
            return _(
                "%(partner)s has no email address, no postal address and an invalid phone number (%(number)s): "
                "nothing can be sent.",
                partner=self.partner_id.display_name,
                number=phone["phone"],
            )
        return _(
            "%(partner)s has no email address, no postal address and no phone number: nothing can be sent.",
            partner=self.partner_id.display_name,
        )

    def _prepare_preview_body(self, body):
        """The body of the template as queued: features add their blocks (pay-now link)."""
        return body

    def _render_customer_layout(self, body, lang=None):
        """``body`` in the customer layout, as ``mail.template.send_mail`` wraps it."""
        self.ensure_one()
        env = self.env(context=dict(self.env.context, lang=lang)) if lang else self.env
        context = {
            "message": env["mail.message"].sudo().new({"body": body, "record_name": self.display_name}),
            "record": self,
            "company": self.company_id,
            "model_description": False,
        }
        return env["ir.qweb"]._render(CUSTOMER_LAYOUT, context, minimal_qcontext=True, raise_if_not_found=False)

    # ------------------------------------------------------------------
    # Business methods: exclusion and postponement
    # ------------------------------------------------------------------

    def _check_still_draft(self):
        if any(communication.state not in ("draft", "failed") for communication in self):
            raise UserError(_("Only communications not sent yet can be excluded, postponed or included again."))

    def _postpone(self, date, note=False):
        """Exclude from the run until ``date`` with an activity for the current user on it."""
        self._check_still_draft()
        if not date or date <= fields.Date.context_today(self):
            raise UserError(_("Choose a date after today to be reminded on."))
        user = self.env.user
        for communication in self:
            communication.remind_activity_id.sudo().unlink()
            summary = _("Dunning postponed: %(customer)s", customer=communication.partner_id.display_name)
            activity_note = Markup("<p>%s</p>") % _(
                "%(level)s postponed from %(run)s: %(amount)s overdue.",
                level=communication.level_id.name,
                run=communication.run_id.name,
                amount=communication._amount_text(),
            )
            if note:
                activity_note += Markup("<p>%s</p>") % note
            activity = (
                communication.partner_id.sudo()
                .with_context(mail_activity_quick_update=True)
                .activity_schedule(
                    act_type_xmlid="mail.mail_activity_data_todo",
                    summary=summary,
                    note=activity_note,
                    user_id=user.id,
                    date_deadline=date,
                )
            )
            communication.write(
                {
                    "excluded": True,
                    "excluded_by_id": user.id,
                    "excluded_date": fields.Datetime.now(),
                    "remind_date": date,
                    "remind_activity_id": activity.id,
                }
            )
        return True

    def _skip_reason(self):
        """Why Send leaves this communication out, or False."""
        self.ensure_one()
        if self.remind_date:
            return _(
                "Postponed until %(date)s by %(user)s on %(when)s: nothing was sent.",
                date=format_date(self.env, self.remind_date),
                user=self.excluded_by_id.name or "",
                when=format_date(self.env, self.excluded_date),
            )
        if self.excluded:
            return _(
                "Excluded by %(user)s on %(when)s: nothing was sent.",
                user=self.excluded_by_id.name or "",
                when=format_date(self.env, self.excluded_date),
            )
        plan = self._plan_channels()
        return plan.get("issue") or False

    def _send(self, pdfs=None):
        """Excluded, postponed or unreachable customers get nothing: cancelled with the reason
        (their items free for a later run; the selection waits for a postponement's date). For
        an unreachable one the escalation target gets a to-do to find the contact details."""
        reason = self._skip_reason()
        if not reason:
            return super()._send(pdfs)
        vals = {"state": "cancelled", "note": "\n".join(filter(None, [self.note, reason]))}
        if not self.excluded:
            vals.update(self._ask_for_contact_details())
        self.write(vals)
        self.partner_id.sudo().message_post(body=reason, subtype_xmlid="mail.mt_note")
        return None

    def _ask_for_contact_details(self):
        """A to-do for the escalation target, unless one is still open for this level."""
        summary = _("Reach the customer: %(level)s", level=self.level_id.name)
        open_todo = self.partner_id.sudo().activity_ids.filtered(lambda activity: activity.summary == summary)
        if open_todo:
            return {"activity_id": open_todo[0].id, "responsible_id": open_todo[0].user_id.id}
        vals = self._schedule_activity(self.level_id, self._phone_check(self._mail_contact()), call=False)
        return {"activity_id": vals["activity_id"], "responsible_id": vals["responsible_id"]}

    @api.model
    def _postponed_partners_sql(self, company_id, run_date):
        """The customers postponed past ``run_date``: ``partner_id IN (...)`` of the selection."""
        return SQL(
            """
            SELECT pc.partner_id FROM credit_dunning_communication pc
             WHERE pc.remind_date > %(date)s AND pc.company_id = %(company_id)s
            """,
            date=run_date,
            company_id=company_id,
        )
