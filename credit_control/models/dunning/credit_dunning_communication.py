import base64
import logging
from collections import defaultdict

import psycopg2
from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date
from odoo.tools.misc import formatLang

from ...lib.dunning import render_text

_logger = logging.getLogger(__name__)

COMMUNICATION_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
# A failed communication is tried again by later runs of the cron up to this many times.
MAX_ATTEMPTS = 3
STATEMENT_REPORT = "credit_control.action_report_credit_dunning_statement"
LETTER_REPORT = "credit_control.action_report_credit_dunning_letter"


class CreditDunningCommunication(models.Model):
    """What one dunning run sends one customer: its overdue items at the highest level reached.

    Written in bulk (draft) by the run, then sent channel by channel: email with the
    statement attached, letter to print, phone call activity, SMS text kept ready. A
    communication is sent once: its state says what happened (sent / failed + error) and
    the note why a channel was replaced by another one.
    """

    _name = "credit.dunning.communication"
    _description = "Dunning Communication"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    run_id = fields.Many2one("credit.dunning.run", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, help="The commercial entity."
    )
    recipient_id = fields.Many2one("res.partner", readonly=True, help="The contact the email and the letter went to.")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    policy_id = fields.Many2one("credit.dunning.policy", readonly=True)
    level_id = fields.Many2one("credit.dunning.level", readonly=True)
    level_rank = fields.Integer(readonly=True, index=True)
    date = fields.Date(readonly=True, index=True)
    state = fields.Selection(COMMUNICATION_STATES, default="draft", required=True, readonly=True, index=True)
    error = fields.Text(readonly=True)
    note = fields.Text(readonly=True, help="Why a channel was replaced by another one, broken promises.")
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    sent_date = fields.Datetime(string="Sent On", readonly=True)
    line_ids = fields.One2many("credit.dunning.line", "communication_id", string="Items", readonly=True)
    line_count = fields.Integer(compute="_compute_line_count", string="Items Count")
    amount_due = fields.Monetary(currency_field="currency_id", readonly=True, help="Dunned items, company currency.")
    broken_promise = fields.Boolean(readonly=True, help="The customer broke a promise to pay: escalated.")
    # --- channels used ---
    channel_email = fields.Boolean(string="By Email", readonly=True)
    channel_letter = fields.Boolean(string="By Letter", readonly=True)
    channel_call = fields.Boolean(string="By Phone", readonly=True)
    channel_activity = fields.Boolean(string="Follow-up Activity", readonly=True)
    channel_sms = fields.Boolean(string="SMS Ready", readonly=True)
    channels = fields.Char(compute="_compute_channels")
    mail_id = fields.Many2one("mail.mail", string="Email", readonly=True, ondelete="set null")
    mail_state = fields.Selection(related="mail_id.state", string="Email Status")
    statement_attachment_id = fields.Many2one("ir.attachment", string="Statement", readonly=True)
    letter_attachment_id = fields.Many2one("ir.attachment", string="Letter File", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    responsible_id = fields.Many2one("res.users", readonly=True)
    phone = fields.Char(readonly=True)
    phone_e164 = fields.Char(string="Phone (E.164)", readonly=True)
    phone_invalid = fields.Boolean(string="Invalid Phone", readonly=True)
    sms_text = fields.Text(string="SMS Text", readonly=True)
    fee_move_id = fields.Many2one("account.move", string="Fee Invoice", readonly=True)
    fee_amount = fields.Monetary(
        string="Fees and Interest", currency_field="currency_id", readonly=True, help="Total of the fee invoice."
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    def _compute_name(self):
        for communication in self:
            communication.name = "%s - %s" % (
                communication.partner_id.display_name or "",
                communication.level_id.name or "",
            )

    def _compute_line_count(self):
        counts = dict(
            self.env["credit.dunning.line"]._read_group(
                [("communication_id", "in", self.ids), ("excluded", "=", False)], ["communication_id"], ["__count"]
            )
        )
        for communication in self:
            communication.line_count = counts.get(communication, 0)

    def _compute_channels(self):
        labels = [
            ("channel_email", _("Email")),
            ("channel_letter", _("Letter")),
            ("channel_call", _("Phone call")),
            ("channel_activity", _("Activity")),
            ("channel_sms", _("SMS")),
        ]
        for communication in self:
            communication.channels = ", ".join(label for name, label in labels if communication[name])

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_retry(self):
        """Send failed communications again."""
        failed = self.filtered(lambda communication: communication.state == "failed")
        if not failed:
            raise UserError(_("Only failed communications can be sent again."))
        failed._send_all()
        return True

    def action_cancel(self):
        """Cancel communications not sent: their items can be dunned again by a later run."""
        if any(communication.state == "sent" for communication in self):
            raise UserError(_("A sent communication cannot be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_print_letter(self):
        return self.env.ref(LETTER_REPORT).report_action(self)

    def action_open_fee_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.fee_move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Business methods: figures for scoring and holds
    # ------------------------------------------------------------------

    @api.model
    def _dunning_levels_reached(self, partner_ids, company_id, date_from):
        """{commercial partner id: highest level rank (1 = first level of its policy) reached by
        a sent communication dated ``date_from`` or later}, in one query."""
        if not partner_ids:
            return {}
        self.flush_model(["partner_id", "company_id", "state", "date", "level_rank"])
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, MAX(level_rank)
              FROM credit_dunning_communication
             WHERE partner_id = ANY(%(partner_ids)s)
               AND company_id = %(company_id)s
               AND state = 'sent'
               AND date >= %(date_from)s
          GROUP BY partner_id
            """,
                partner_ids=list(partner_ids),
                company_id=company_id,
                date_from=date_from,
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Business methods: before sending
    # ------------------------------------------------------------------

    def _refresh_from_lines(self):
        """Level and amount from the items not excluded (one query for all communications)."""
        if not self:
            return
        self.env["credit.dunning.line"].flush_model()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
            UPDATE credit_dunning_communication c
               SET amount_due = COALESCE(s.amount, 0),
                   level_id = COALESCE(s.level_id, c.level_id),
                   level_rank = COALESCE(s.level_rank, c.level_rank),
                   broken_promise = COALESCE(s.broken, FALSE)
              FROM (SELECT c2.id,
                           (SELECT SUM(l.amount_residual) FROM credit_dunning_line l
                             WHERE l.communication_id = c2.id AND NOT l.excluded) AS amount,
                           top.level_id, top.level_rank,
                           (SELECT bool_or(l.broken_promise) FROM credit_dunning_line l
                             WHERE l.communication_id = c2.id AND NOT l.excluded) AS broken
                      FROM credit_dunning_communication c2
                 LEFT JOIN LATERAL (SELECT l.level_id, l.level_rank FROM credit_dunning_line l
                                     WHERE l.communication_id = c2.id AND NOT l.excluded
                                  ORDER BY l.level_rank DESC LIMIT 1) top ON TRUE
                     WHERE c2.id = ANY(%(ids)s)) s
             WHERE c.id = s.id AND c.state IN ('draft', 'failed')
            """,
                ids=self.ids,
            )
        )
        self.invalidate_recordset(["amount_due", "level_id", "level_rank", "broken_promise"])

    def _included_lines(self):
        return self.line_ids.filtered(lambda line: not line.excluded)

    def _amounts_by_currency(self):
        """[(currency, total)] of the items not excluded, one total per currency of the items
        (sorted by name): what the customer reads in the email, the letter and the SMS."""
        self.ensure_one()
        totals = defaultdict(float)
        for line in self._included_lines():
            totals[line.currency_id or self.currency_id] += line.amount_residual_currency
        return [
            (currency, currency.round(total))
            for currency, total in sorted(totals.items(), key=lambda pair: pair[0].name)
        ]

    def _amount_text(self):
        """The totals per currency as one text, e.g. "$ 700.00" or "$ 700.00, 100.00 €"."""
        self.ensure_one()
        return ", ".join(
            formatLang(self.env, total, currency_obj=currency) for currency, total in self._amounts_by_currency()
        )

    # ------------------------------------------------------------------
    # Business methods: sending
    # ------------------------------------------------------------------

    def _send_batch(self):
        """One batch of a run's sending (``credit.batch``): the communications still to send, their
        PDFs rendered together; those sent already or being sent elsewhere are skipped."""
        communications = self.env["credit.dunning.run"]._lock_pending(self.ids)
        communications._refresh_from_lines()
        communications._send_all(communications._prerender_pdfs())
        return communications

    def _send_all(self, pdfs=None):
        """Send each communication; a failure is recorded on it and the others go on.

        Each one runs in a savepoint: a failed one leaves nothing half-written (no email
        queued, no activity). Database errors that break the transaction are raised.
        ``pdfs``: documents rendered beforehand for the whole batch (``_prerender_pdfs``).
        """
        sent = self.browse()
        for communication in self:
            if communication.state not in ("draft", "failed"):
                continue
            try:
                with self.env.cr.savepoint():
                    communication._send(pdfs)
                sent |= communication
            except psycopg2.OperationalError:
                raise
            except Exception as error:
                _logger.warning("credit_control: dunning communication %s failed: %s", communication.id, error)
                communication.write(
                    {
                        "state": "failed",
                        "error": str(error) or error.__class__.__name__,
                        "attempt_count": communication.attempt_count + 1,
                    }
                )
        return sent

    def _prerender_pdfs(self):
        """{(report, communication id): PDF} of the statements and letters of a batch.

        wkhtmltopdf starts once per report for the whole batch (about a second per call)
        instead of once per document (``ir.actions.report._credit_render_pdfs``). Whatever
        cannot be rendered so is rendered one by one when sent.
        """
        pdfs = {}
        statements = self.filtered(lambda comm: comm.level_id.send_email and comm.policy_id.attach_statement)
        letters = self.filtered(lambda comm: comm.level_id.send_letter)
        for report, communications in ((STATEMENT_REPORT, statements), (LETTER_REPORT, letters)):
            if len(communications) < 2:
                continue
            try:
                with self.env.cr.savepoint():
                    rendered = self.env["ir.actions.report"].sudo()._credit_render_pdfs(report, communications.ids)
            except psycopg2.OperationalError:
                raise
            except Exception as error:
                _logger.warning("credit_control: batch rendering of %s failed, one by one instead: %s", report, error)
                continue
            pdfs.update(((report, res_id), content) for res_id, content in rendered.items())
        return pdfs

    def _send(self, pdfs=None):
        """Send this communication on the channels of its level, with fallbacks."""
        self.ensure_one()
        lines = self._included_lines()
        if not lines:
            self.write({"state": "cancelled", "note": _("Every item was excluded: nothing was sent.")})
            return
        level = self.level_id
        partner = self.partner_id.with_company(self.company_id)
        recipient = self._find_recipient()
        notes = [self.note] if self.note else []
        vals = {"recipient_id": recipient.id, "attempt_count": self.attempt_count + 1, "error": False}
        want_letter = level.send_letter
        want_activity = False
        if level.send_email:
            if recipient.email:
                vals.update(self._send_email(level, recipient, pdfs))
            else:
                notes.append(
                    _("%(partner)s has no email address: a letter is prepared instead.", partner=partner.display_name)
                )
                want_letter = True
        if want_letter:
            if self._has_postal_address(recipient):
                vals.update(self._make_letter(pdfs))
            else:
                notes.append(
                    _(
                        "%(partner)s has no postal address: an activity is scheduled to reach the customer.",
                        partner=partner.display_name,
                    )
                )
                want_activity = True
        phone = self._phone_check(recipient)
        vals.update(phone)
        if level.create_call_activity or want_activity or not (vals.get("channel_email") or vals.get("channel_letter")):
            vals.update(self._schedule_activity(level, phone, call=level.create_call_activity))
        if level.sms_text:
            vals.update(
                {
                    "sms_text": render_text(level.sms_text, self._text_values()),
                    "channel_sms": True,
                }
            )
        broken = lines.filtered("broken_promise")
        if broken:
            notes.append(self._escalate_broken_promises(broken))
        vals.update(self._create_fee_invoice(lines))
        vals.update({"state": "sent", "sent_date": fields.Datetime.now(), "note": "\n".join(notes) or False})
        self.write(vals)
        self._post_history()
        self._raise_dunning_alert(level, bool(broken))

    def _find_recipient(self):
        """The invoicing contact with an email, else the customer itself."""
        partner = self.partner_id
        contacts = partner.child_ids.filtered(lambda contact: contact.type == "invoice" and contact.email)
        return contacts[:1] or partner

    def _has_postal_address(self, recipient):
        return bool(recipient.street or recipient.city) or bool(self.partner_id.street or self.partner_id.city)

    def _text_values(self):
        return {
            "customer": self.partner_id.display_name,
            "amount": self._amount_text(),
            "company": self.company_id.name,
            "level": self.level_id.name,
        }

    def _render_pdf(self, report_xmlid, name, pdfs=None):
        """Render a report of this communication as an attachment of it (PDF; HTML in tests
        unless ``force_report_rendering`` is in the context, as Odoo does)."""
        content = (pdfs or {}).get((report_xmlid, self.id))
        report_format = "pdf"
        if content is None:
            content, report_format = self.env["ir.actions.report"].sudo()._render_qweb_pdf(report_xmlid, self.ids)
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "%s.%s" % (name, report_format),
                    "type": "binary",
                    "datas": base64.b64encode(content),
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/pdf" if report_format == "pdf" else "text/html",
                }
            )
        )

    def _send_email(self, level, recipient, pdfs=None):
        """Queue the level's email to ``recipient`` with the statement attached."""
        template = level.mail_template_id
        if not template:
            raise UserError(_("The dunning level %(level)s has no email template.", level=level.name))
        attachment_ids = []
        statement = self.env["ir.attachment"]
        if self.policy_id.attach_statement:
            statement = self._render_pdf(
                STATEMENT_REPORT,
                _("Statement - %(customer)s - %(date)s", customer=self.partner_id.display_name, date=self.date),
                pdfs,
            )
            attachment_ids.append(statement.id)
        self.recipient_id = recipient
        mail_id = template.sudo().send_mail(
            self.id, force_send=False, email_layout_xmlid="credit_control.mail_layout_dunning_customer"
        )
        if attachment_ids:
            mail = self.env["mail.mail"].sudo().browse(mail_id)
            mail.attachment_ids = [Command.link(attachment_id) for attachment_id in attachment_ids]
        return {"mail_id": mail_id, "channel_email": True, "statement_attachment_id": statement.id}

    def _make_letter(self, pdfs=None):
        letter = self._render_pdf(
            LETTER_REPORT,
            _("Letter - %(customer)s - %(date)s", customer=self.partner_id.display_name, date=self.date),
            pdfs,
        )
        return {"letter_attachment_id": letter.id, "channel_letter": True}

    def _phone_check(self, recipient):
        """The recipient's phone as typed, in E.164 form when valid (``phone_validation``), and
        whether it is invalid."""
        number = recipient.phone or recipient.mobile or self.partner_id.phone or self.partner_id.mobile
        number = (number or "").strip()
        if not number:
            return {"phone": False, "phone_e164": False, "phone_invalid": False}
        country = recipient.country_id or self.partner_id.country_id or self.company_id.country_id
        e164 = recipient._phone_format(number=number, country=country, force_format="E164")
        return {"phone": number, "phone_e164": e164 or False, "phone_invalid": not e164}

    def _responsible_user(self, level):
        """The escalation target of ``level`` for this customer (falls back to someone real)."""
        policy = self.policy_id
        user = self.env["res.users"]
        if level.escalation_target == "salesperson":
            user = self.partner_id.user_id
        elif level.escalation_target == "accountant":
            user = policy.accountant_id
        elif level.escalation_target == "credit_manager":
            user = policy.credit_manager_id or self._first_credit_manager()
        elif level.escalation_target == "user":
            user = level.escalation_user_id
        if not user or not user.active or user.share:
            user = policy.accountant_id or self.run_id.user_id
        if not user or user._is_superuser() or not user.active:
            user = self.env.ref("base.user_admin")
        return user

    def _first_credit_manager(self):
        managers = self.company_id._get_credit_managers()
        return managers.filtered(lambda user: not user._is_superuser()).sorted("id")[:1]

    def _schedule_activity(self, level, phone, call=True):
        """A phone call activity (or a follow-up to-do) on the customer for the escalation target."""
        user = self._responsible_user(level)
        if phone.get("phone_e164"):
            phone_text = _("Phone: %(phone)s", phone=phone["phone_e164"])
        elif phone.get("phone_invalid"):
            phone_text = _("Phone: %(number)s (invalid number: check it)", number=phone["phone"])
        else:
            phone_text = _("Phone: no phone number")
        note = Markup("<p>%s</p><p>%s</p>") % (
            _(
                "%(level)s: %(amount)s overdue for %(partner)s.",
                level=level.name,
                amount=self._amount_text(),
                partner=self.partner_id.display_name,
            ),
            phone_text,
        )
        activity_type = "mail.mail_activity_data_call" if call else "mail.mail_activity_data_todo"
        summary = (
            _("Dunning call: %(level)s", level=level.name)
            if call
            else _("Reach the customer: %(level)s", level=level.name)
        )
        activity = (
            self.partner_id.sudo()
            .with_context(mail_activity_quick_update=True)
            .activity_schedule(
                act_type_xmlid=activity_type,
                summary=summary,
                note=note,
                user_id=user.id,
                date_deadline=self.date,
            )
        )
        return {
            "activity_id": activity.id,
            "responsible_id": user.id,
            "channel_call": call,
            "channel_activity": not call,
        }

    def _escalate_broken_promises(self, broken_lines):
        """Record on the broken promises that this communication escalated them (so that the
        escalation happens once) and say so everywhere; returns the note of the communication."""
        promises = self.env["credit.promise"]._escalate(self, broken_lines.move_id.ids)
        return _(
            "Promise to pay (%(dates)s) broken: escalated to %(level)s.",
            dates=", ".join(format_date(self.env, date) for date in promises.mapped("date")),
            level=self.level_id.name,
        )

    def _prepare_fee_invoice_values(self, lines):
        """The values of the draft invoice of the fees, late interest and compensation of
        ``lines`` (``account.move`` create values), or an empty dict when nothing is charged."""
        self.ensure_one()
        policy = self.policy_id
        if not policy.charge_fees:
            return {}
        invoice_lines = []
        if self.level_id.fee_fixed:
            invoice_lines.append((_("Dunning fee: %(level)s", level=self.level_id.name), self.level_id.fee_fixed))
        for line in lines.filtered("interest_amount"):
            invoice_lines.append(
                (
                    _(
                        "Late interest on %(invoice)s: %(days)s days at %(rate)s%%",
                        invoice=line.move_id.name,
                        days=line.interest_days,
                        rate="%.2f" % policy.interest_rate,
                    ),
                    line.interest_amount,
                )
            )
        for line in lines.filtered("compensation_amount"):
            invoice_lines.append(
                (
                    _("Fixed compensation for recovery costs: %(invoice)s", invoice=line.move_id.name),
                    line.compensation_amount,
                )
            )
        if not invoice_lines:
            return {}
        journal = policy.fee_journal_id or self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not journal:
            raise UserError(_("%(company)s has no sales journal for the dunning fees.", company=self.company_id.name))
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "currency_id": self.currency_id.id,
            "invoice_origin": self.run_id.name,
            "invoice_user_id": self.env.user.id if not self.env.user._is_superuser() else False,
            "narration": _("Dunning %(level)s of %(date)s", level=self.level_id.name, date=self.date),
            "invoice_line_ids": [
                Command.create({"name": name, "quantity": 1.0, "price_unit": amount, "tax_ids": [Command.clear()]})
                for name, amount in invoice_lines
            ],
        }

    def _create_fee_invoice(self, lines):
        """Propose the fees of ``lines`` as a draft invoice (never posted here); returns the
        values of the communication that point to it."""
        invoice_vals = self._prepare_fee_invoice_values(lines)
        if not invoice_vals:
            return {}
        invoice = self.env["account.move"].sudo().with_company(self.company_id).create(invoice_vals)
        return {"fee_move_id": invoice.id, "fee_amount": invoice.amount_total}

    def _post_history(self):
        """A note on the customer: which level, how, for how much."""
        body = _(
            "Dunning %(level)s sent (%(channels)s): %(amount)s overdue.",
            level=self.level_id.name,
            channels=self.channels,
            amount=formatLang(self.env, self.amount_due, currency_obj=self.currency_id),
        )
        if self.note:
            body = Markup("%s<br/>%s") % (body, escape(self.note))
        self.partner_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    def _raise_dunning_alert(self, level, broken):
        """Warn the salesperson and the credit managers of a hold level or a broken promise."""
        holds = level._effective_hold()
        if not holds and not broken:
            return

        def message(env):
            level_name = level.with_env(env).name
            if holds:
                return env._(
                    "%(partner)s reached the dunning level %(level)s with %(amount)s overdue: its orders are held.",
                    partner=self.partner_id.display_name,
                    level=level_name,
                    amount=formatLang(env, self.amount_due, currency_obj=self.currency_id),
                )
            return env._(
                "%(partner)s broke a promise to pay: dunning escalated to %(level)s.",
                partner=self.partner_id.display_name,
                level=level_name,
            )

        self.env["credit.alert"].sudo()._raise_alerts(
            [
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "alert_type": "dunning",
                    "event_key": "dunning:%s" % self.id,
                    "message": message,
                }
            ]
        )

    @api.model
    def _fallback_undelivered(self, company):
        """Emails the mail server could not deliver: a letter (or an activity) takes over.

        Run daily by the cron, so a bounced reminder does not stay unnoticed.
        """
        undelivered = self.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "sent"),
                ("mail_id.state", "=", "exception"),
                ("channel_letter", "=", False),
                ("channel_activity", "=", False),
            ]
        )
        for communication in undelivered:
            with self.env.cr.savepoint():
                communication._fallback_after_bounce()
        return undelivered

    def _fallback_after_bounce(self):
        self.ensure_one()
        reason = self.mail_id.failure_reason
        recipient = self.recipient_id or self.partner_id
        if self._has_postal_address(recipient):
            vals = self._make_letter()
            if reason:
                note = _("The email was not delivered (%(reason)s): a letter is prepared instead.", reason=reason)
            else:
                note = _("The email was not delivered: a letter is prepared instead.")
        else:
            vals = self._schedule_activity(self.level_id, self._phone_check(recipient), call=False)
            if reason:
                note = _("The email was not delivered (%(reason)s): an activity is scheduled instead.", reason=reason)
            else:
                note = _("The email was not delivered: an activity is scheduled instead.")
        vals["note"] = "\n".join(filter(None, [self.note, note]))
        self.write(vals)
        self.partner_id.sudo().message_post(body=note, subtype_xmlid="mail.mt_note")
