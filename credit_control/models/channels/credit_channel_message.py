import logging
import threading
import time
from datetime import timedelta, timezone

import requests
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL, format_date
from odoo.tools.misc import formatLang

from ...lib.channels.robots import (
    DISCUSS,
    MAX_ATTEMPTS,
    Answer,
    RateWindow,
    backoff_seconds,
    build_request,
    markdown_escape,
    markdown_html,
    parse_answer,
    redact,
)
from .credit_channel_event import EVENTS

_logger = logging.getLogger(__name__)

MESSAGE_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("retry", "To Retry"),
    ("failed", "Failed"),
    ("digested", "In a Digest"),
]
MESSAGE_EVENTS = EVENTS + [
    ("throttled_digest", "Digest of throttled messages"),
    ("test", "Test message"),
]
# more records than this in one event: one message lists them (a first scoring raises thousands)
SUMMARY_LIMIT = 20
# lines of a digest: the titles of the first messages, then "and N more"
DIGEST_LINES = 30
TOP_DEBTORS = 5


class CreditChannelMessage(models.Model):
    """The outbox of the robots: one row per message and robot, written in the business
    transaction, sent after commit by the cron.

    A rolled-back confirmation, decision or scoring leaves no row, so nothing is ever sent for
    what did not happen; a dead robot only leaves rows to retry, it never blocks anything.
    """

    _name = "credit.channel.message"
    _description = "Credit Channel Message"
    _order = "id desc"
    _rec_name = "title"
    _check_company_auto = True

    channel_id = fields.Many2one("credit.channel", required=True, readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    kind = fields.Selection(related="channel_id.kind")
    event = fields.Selection(MESSAGE_EVENTS, required=True, readonly=True, index=True)
    title = fields.Char(required=True, readonly=True)
    body = fields.Text(readonly=True, help="Markdown, in the channel's language.")
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True)
    state = fields.Selection(MESSAGE_STATES, default="queued", required=True, readonly=True, index=True)
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_attempt = fields.Datetime(readonly=True, index=True, help="Not sent before this time (back-off, rate limit).")
    sent_date = fields.Datetime(string="Sent On", readonly=True, index=True)
    error = fields.Text(readonly=True, help="The last error, without the webhook URL or the secret.")
    digest_id = fields.Many2one("credit.channel.message", readonly=True, index="btree_not_null", ondelete="set null")
    digested_ids = fields.One2many("credit.channel.message", "digest_id", string="Digested Messages", readonly=True)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_retry(self):
        """Queue failed messages again."""
        self.filtered(lambda message: message.state in ("failed", "retry")).write(
            {"state": "queued", "next_attempt": False, "attempt_count": 0}
        )
        self.env.ref("credit_control.ir_cron_credit_channel_send")._trigger()
        return True

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Enqueueing (inside the business transaction)
    # ------------------------------------------------------------------

    @api.model
    def _enqueue(self, event, company, records=None, values=None):
        """Write the messages of ``event`` for every robot of ``company`` subscribed to it.

        The public entry point of the features: ``records`` are the documents the event is
        about (one message each, one summary beyond ``SUMMARY_LIMIT``), ``values`` anything
        the renderer ``_render_<event>(records, values)`` needs. Each robot gets the message
        in its own language. Nothing is sent here: the cron sends after commit. Returns the
        outbox rows written.
        """
        channels = self.env["credit.channel"]._subscribed(event, company)
        if not channels:
            return self.browse()
        return self._enqueue_for_channels(channels, event, records, values)

    @api.model
    def _enqueue_for_channels(self, channels, event, records=None, values=None):
        vals_list = []
        for channel in channels:
            renderer = self.with_context(lang=channel.lang).sudo()
            items = renderer._render_items(event, records, values or {})
            for title, body, record in items:
                vals_list.append(
                    {
                        "channel_id": channel.id,
                        "event": event,
                        "title": title[:250],
                        "body": body,
                        "res_model": record._name if record else False,
                        "res_id": record.id if record else False,
                    }
                )
        messages = self.sudo().create(vals_list)
        if messages:
            self.env.ref("credit_control.ir_cron_credit_channel_send").sudo()._trigger()
        return messages

    def _render_items(self, event, records, values):
        """[(title, markdown, record)] of the event: one per record, or one summary."""
        renderer = getattr(self, "_render_%s" % event, None) or self._render_generic
        if records is not None:
            records = records.with_env(self.env)
        if records is not None and len(records) > SUMMARY_LIMIT and event != "throttled_digest":
            items = renderer(records[:SUMMARY_LIMIT], values)
            lines = [
                "- [%s](%s)" % (markdown_escape(title), self._link(record)) if record else "- %s" % title
                for title, _body, record in items
            ]
            lines.append(_("…and %(count)s more.", count=len(records) - SUMMARY_LIMIT))
            title = _("%(count)s events: %(event)s", count=len(records), event=self._event_label(event))
            return [(title, "\n".join(lines), False)]
        return renderer(records, values)

    def _event_label(self, event):
        return dict(self._fields["event"]._description_selection(self.env)).get(event, event)

    def _link(self, record):
        """The deep link to ``record`` in Odoo's web client."""
        return "%s/odoo/%s/%s" % (record.get_base_url(), record._name, record.id)

    def _money(self, amount, currency):
        return formatLang(self.env, amount, currency_obj=currency)

    # ------------------------------------------------------------------
    # Renderers: _render_<event>(records, values) -> [(title, markdown, record)]
    # ------------------------------------------------------------------

    def _render_generic(self, records, values):
        """Events without their own renderer: ``values`` gives "title" and "lines" (markdown)."""
        items = []
        lines = values.get("lines") or []
        for record in records or [False]:
            title = values.get("title") or (record.display_name if record else self._event_label(values.get("event")))
            body = list(lines)
            if record:
                body.append("[%s](%s)" % (_("Open in Odoo"), self._link(record)))
            items.append((title, "\n".join(body), record))
        return items

    def _render_test(self, records, values):
        """The test message of a robot (or the given title and body)."""
        title = values.get("title") or _("Test message from Odoo Credit Control")
        body = values.get("body") or _(
            "The robot %(channel)s receives the credit events of %(company)s.",
            channel=markdown_escape(values.get("channel")),
            company=markdown_escape(values.get("company")),
        )
        return [(title, body, False)]

    def _render_hold_created(self, holds, values):
        items = []
        for hold in holds:
            lines = [
                _("**Customer**: %(customer)s", customer=markdown_escape(hold.partner_id.display_name)),
                _(
                    "**%(checkpoint)s**: %(document)s",
                    checkpoint=hold._get_checkpoint_label(),
                    document=markdown_escape(hold.document_name),
                ),
                _("**Amount**: %(amount)s", amount=self._money(hold.amount_total, hold.order_currency_id)),
                _("**Salesperson**: %(user)s", user=markdown_escape(hold.user_id.name or "-")),
                _("**Reasons**:"),
            ]
            for reason in hold.reason_ids:
                lines.append("- %s" % markdown_escape(reason.message))
            lines.append("[%s](%s)" % (_("Release or reject"), self._link(hold)))
            title = _("Credit hold %(hold)s: %(customer)s", hold=hold.name, customer=hold.partner_id.display_name)
            items.append((title, "\n".join(lines), hold))
        return items

    def _render_hold_decided(self, holds, values):
        items = []
        for hold in holds:
            decision = _("released") if hold.state == "released" else _("rejected")
            lines = [
                _("**Customer**: %(customer)s", customer=markdown_escape(hold.partner_id.display_name)),
                _(
                    "**%(checkpoint)s**: %(document)s",
                    checkpoint=hold._get_checkpoint_label(),
                    document=markdown_escape(hold.document_name),
                ),
                _("**Amount**: %(amount)s", amount=self._money(hold.amount_total, hold.order_currency_id)),
                _("**Decided by**: %(user)s", user=markdown_escape(hold.decided_by_id.name or "-")),
                _("**Reason**: %(reason)s", reason=markdown_escape(hold.decision_reason or "-")),
                "[%s](%s)" % (_("Open the hold"), self._link(hold)),
            ]
            title = _(
                "Credit hold %(hold)s %(decision)s: %(customer)s",
                hold=hold.name,
                decision=decision,
                customer=hold.partner_id.display_name,
            )
            items.append((title, "\n".join(lines), hold))
        return items

    def _render_alert(self, alerts, values):
        labels = dict(self.env["credit.alert"]._get_alert_types())
        items = []
        for alert in alerts:
            lines = [
                _("**Customer**: %(customer)s", customer=markdown_escape(alert.partner_id.display_name)),
                _("**Type**: %(type)s", type=labels.get(alert.alert_type, alert.alert_type)),
            ]
            if alert.message:
                lines.append(markdown_escape(alert.message))
            lines.append("[%s](%s)" % (_("Open the alert"), self._link(alert)))
            title = "%s: %s" % (labels.get(alert.alert_type, alert.alert_type), alert.partner_id.display_name)
            items.append((title, "\n".join(lines), alert))
        return items

    _render_limit_cut = _render_alert
    _render_registry_status = _render_alert

    def _render_broken_promise(self, promises, values):
        items = []
        for promise in promises:
            lines = [
                _("**Customer**: %(customer)s", customer=markdown_escape(promise.partner_id.display_name)),
                _("**Promised**: %(amount)s", amount=self._money(promise.amount, promise.currency_id)),
                _("**Promised payment date**: %(date)s", date=format_date(self.env, promise.date)),
            ]
            if promise.move_id:
                lines.append(_("**Invoice**: %(invoice)s", invoice=markdown_escape(promise.move_id.name)))
            lines.append("[%s](%s)" % (_("Open the promise"), self._link(promise)))
            title = _("Promise to pay broken: %(customer)s", customer=promise.partner_id.display_name)
            items.append((title, "\n".join(lines), promise))
        return items

    def _render_dunning_final(self, communications, values):
        items = []
        for communication in communications:
            lines = [
                _("**Customer**: %(customer)s", customer=markdown_escape(communication.partner_id.display_name)),
                _("**Level**: %(level)s", level=markdown_escape(communication.level_id.name)),
                _("**Overdue**: %(amount)s", amount=communication._amount_text()),
                "[%s](%s)" % (_("Open the communication"), self._link(communication)),
            ]
            title = _("Final dunning level reached: %(customer)s", customer=communication.partner_id.display_name)
            items.append((title, "\n".join(lines), communication))
        return items

    def _render_limit_request(self, requests_, values):
        """A limit request of the limit-request feature: its ``values`` may give "title" and
        "lines"; otherwise the request's name, customer and amount are shown."""
        items = []
        for request in requests_ or [False]:
            lines = list(values.get("lines") or [])
            if request and not lines and hasattr(request, "_get_channel_lines"):
                lines = list(request._get_channel_lines(request))
            if request and not lines:
                if "partner_id" in request._fields:
                    lines.append(
                        _("**Customer**: %(customer)s", customer=markdown_escape(request.partner_id.display_name))
                    )
                if "amount" in request._fields and "currency_id" in request._fields:
                    lines.append(_("**Amount**: %(amount)s", amount=self._money(request.amount, request.currency_id)))
            if request:
                lines.append("[%s](%s)" % (_("Approve or refuse"), self._link(request)))
            title = values.get("title") or _(
                "Limit request to approve: %(request)s", request=request.display_name if request else ""
            )
            items.append((title, "\n".join(lines), request))
        return items

    def _render_digest(self, companies, values):
        company = companies[:1]
        currency = company.currency_id
        lines = [
            _(
                "**Holds pending**: %(count)s (%(amount)s)",
                count=values["holds_count"],
                amount=self._money(values["holds_amount"], currency),
            ),
            _("**Overdue total**: %(amount)s", amount=self._money(values["overdue"], currency)),
        ]
        if values["top"]:
            lines.append(_("**Top debtors (overdue)**:"))
            for partner, amount in values["top"]:
                lines.append(
                    "- [%s](%s): %s"
                    % (markdown_escape(partner.display_name), self._link(partner), self._money(amount, currency))
                )
        lines.append("[%s](%s/odoo/credit.hold)" % (_("Credit holds"), company.get_base_url()))
        title = _(
            "Credit digest of %(company)s, %(date)s", company=company.name, date=format_date(self.env, values["date"])
        )
        return [(title, "\n".join(lines), False)]

    def _render_throttled_digest(self, messages, values):
        lines = []
        for message in messages[:DIGEST_LINES]:
            if message.res_model and message.res_id:
                record = self.env[message.res_model].browse(message.res_id)
                lines.append("- [%s](%s)" % (markdown_escape(message.title), self._link(record)))
            else:
                lines.append("- %s" % markdown_escape(message.title))
        if len(messages) > DIGEST_LINES:
            lines.append(_("…and %(count)s more.", count=len(messages) - DIGEST_LINES))
        title = _("%(count)s credit events while the robot was busy", count=len(messages))
        return [(title, "\n".join(lines), False)]

    # ------------------------------------------------------------------
    # Sending (the cron, after commit)
    # ------------------------------------------------------------------

    @api.model
    def _cron_send(self, time_budget=45.0):
        """Send the due messages within each robot's rate limits, committing after each one.

        Messages that do not fit in a robot's current minute are merged into one digest; a
        robot that is down leaves its messages to retry with back-off, and the others go on.
        """
        started = time.monotonic()
        self._digest_backlogs()
        self._channel_commit()
        windows = self._rate_windows()
        blocked = set()
        while True:
            if time.monotonic() - started > time_budget:
                self.env.ref("credit_control.ir_cron_credit_channel_send")._trigger()
                break
            message = self._claim_next(blocked)
            if not message:
                break
            channel = message.channel_id
            now = time.time()
            window = windows.setdefault(channel.id, RateWindow(channel.rate_per_minute, channel.rate_per_second))
            wait = window.wait(now)
            if wait > 0 or (channel.throttled_until and channel.throttled_until > fields.Datetime.now()):
                blocked.add(channel.id)
                self._channel_commit()
                continue
            answer = message._deliver(now)
            window.record(now)
            message._record_answer(answer)
            if not answer.ok and not answer.fatal:
                # down, throttled or answering garbage: its other messages wait for a later run,
                # so a dead robot costs one timeout per run, never one per message
                blocked.add(channel.id)
            self._channel_commit()
        if blocked:
            self.env.ref("credit_control.ir_cron_credit_channel_send")._trigger(
                fields.Datetime.now() + timedelta(seconds=5)
            )
        return True

    @api.model
    def _channel_auto_commit(self):
        """Commit after each message, except in tests (as mail's queue does)."""
        return not getattr(threading.current_thread(), "testing", False)

    @api.model
    def _channel_commit(self):
        """Commit after each message: a message sent is recorded as sent whatever happens to
        the next one, and its row lock is released."""
        if self._channel_auto_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _claim_next(self, blocked_channel_ids):
        """Lock the next due message (``FOR UPDATE SKIP LOCKED``: two workers never send the
        same one); robots that must wait are skipped."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT m.id
              FROM credit_channel_message m
              JOIN credit_channel c ON c.id = m.channel_id
             WHERE m.state IN ('queued', 'retry')
               AND (m.next_attempt IS NULL OR m.next_attempt <= %(now)s)
               AND c.active
               AND NOT (m.channel_id = ANY(%(blocked)s))
          ORDER BY m.id
             LIMIT 1
               FOR UPDATE OF m SKIP LOCKED
            """,
                now=fields.Datetime.now(),
                blocked=list(blocked_channel_ids),
            )
        )
        row = self.env.cr.fetchone()
        return self.sudo().browse(row[0]) if row else self.sudo().browse()

    @api.model
    def _rate_windows(self):
        """{channel id: RateWindow} seeded with what each robot was sent in the last minute
        (one query)."""
        since = fields.Datetime.now() - timedelta(seconds=60)
        windows = {}
        groups = self.sudo()._read_group(
            [("state", "=", "sent"), ("sent_date", ">", since)], ["channel_id"], ["sent_date:array_agg"]
        )
        for channel, stamps in groups:
            sent = [stamp.replace(tzinfo=timezone.utc).timestamp() for stamp in stamps]
            windows[channel.id] = RateWindow(channel.rate_per_minute, channel.rate_per_second, sent)
        return windows

    @api.model
    def _digest_backlogs(self):
        """Merge what does not fit in a robot's current minute (or waits for a throttled robot)
        into one digest message, so the team gets one message instead of a late flood."""
        now_dt = fields.Datetime.now()
        pending = self.sudo()._read_group(
            [("state", "in", ("queued", "retry")), ("channel_id.active", "=", True)], ["channel_id"], ["__count"]
        )
        if not pending:
            return self.browse()
        windows = self._rate_windows()
        now = time.time()
        digests = self.browse()
        for channel, count in pending:
            throttled = channel.throttled_until and channel.throttled_until > now_dt
            window = windows.get(channel.id) or RateWindow(channel.rate_per_minute, channel.rate_per_second)
            free = 0 if throttled else window.free_slots(now)
            if free is None or count <= max(free, 1):
                continue
            messages = self.sudo().search(
                [("channel_id", "=", channel.id), ("state", "in", ("queued", "retry"))], order="id"
            )
            merged = messages[max(free - 1, 0) :]
            if len(merged) < 2:
                continue
            digest = self._enqueue_for_channels(channel, "throttled_digest", merged)
            digest.next_attempt = channel.throttled_until if throttled else False
            merged.write({"state": "digested", "digest_id": digest.id})
            digests |= digest
        return digests

    def _deliver(self, now):
        """Send this message to its robot; returns the robot's Answer. Never raises."""
        self.ensure_one()
        channel = self.channel_id.sudo()
        if channel.kind == DISCUSS:
            return self._deliver_discuss(channel)
        if not channel.webhook_url:
            return Answer(False, False, True, None, "no webhook URL")
        try:
            url, body = build_request(
                channel.kind, channel.webhook_url, channel.secret, channel.keyword, self.title, self.body or "", now
            )
            response = requests.post(url, json=body, timeout=channel.timeout)
        except requests.Timeout:
            return Answer(False, False, False, None, "no answer in time")
        except requests.RequestException as error:
            return Answer(False, False, False, None, "connection failed (%s)" % error.__class__.__name__)
        except ValueError as error:
            return Answer(False, False, True, None, redact(error, [channel.webhook_url, channel.secret]))
        return parse_answer(channel.kind, response.status_code, response.text)

    def _deliver_discuss(self, channel):
        if not channel.discuss_channel_id:
            return Answer(False, False, True, None, "no Discuss channel")
        body = markdown_html("**%s**\n%s" % (markdown_escape(self.title), self.body or ""))
        channel.discuss_channel_id.sudo().message_post(
            body=Markup(body),  # escaped by markdown_html
            author_id=self.env.ref("base.partner_root").id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return Answer(True, False, False, 0, "")

    def _record_answer(self, answer):
        """Write what the robot answered: sent, retry with back-off (longer when throttled),
        or failed; the error never holds the webhook URL or the secret."""
        self.ensure_one()
        channel = self.channel_id.sudo()
        now = fields.Datetime.now()
        attempts = self.attempt_count + 1
        if answer.ok:
            self.write({"state": "sent", "sent_date": now, "error": False, "attempt_count": attempts})
            return
        error = redact(answer.error, [channel.webhook_url, channel.secret])
        vals = {"attempt_count": attempts, "error": error}
        if answer.fatal or attempts >= MAX_ATTEMPTS:
            vals["state"] = "failed"
        else:
            wait = backoff_seconds(attempts)
            if answer.throttled:
                wait = max(wait, 60)
                channel.throttled_until = now + timedelta(seconds=wait)
            vals.update({"state": "retry", "next_attempt": now + timedelta(seconds=wait)})
        self.write(vals)
        _logger.info("credit_control: message %s to robot %s not sent: %s", self.id, channel.id, error)

    # ------------------------------------------------------------------
    # Daily digest
    # ------------------------------------------------------------------

    @api.model
    def _cron_daily_digest(self):
        """One digest per company and day for the robots subscribed to it."""
        channels = self.env["credit.channel"].sudo().search([("event_ids.code", "=", "digest")])
        today = fields.Date.context_today(self)
        since = fields.Datetime.to_datetime(today)
        done = {
            channel.id
            for [channel] in self.sudo()._read_group(
                [("event", "=", "digest"), ("create_date", ">=", since), ("channel_id", "in", channels.ids)],
                ["channel_id"],
            )
        }
        for company, company_channels in channels.grouped("company_id").items():
            todo = company_channels.filtered(lambda channel: channel.id not in done)
            if todo:
                self._enqueue_for_channels(todo, "digest", company, self._digest_values(company, today))
        return True

    @api.model
    def _digest_values(self, company, today):
        """Holds pending (count, amount), overdue total and top debtors of ``company``: a few
        grouped queries whatever the size of the book."""
        [(holds_count, holds_amount)] = (
            self.env["credit.hold"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("state", "=", "pending")], [], ["__count", "amount_company:sum"]
            )
        )
        overdue_groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("date_maturity", "<", today),
                    ("partner_id", "!=", False),
                ],
                ["partner_id"],
                ["amount_residual:sum"],
            )
        )
        per_customer = {}
        for partner, amount in overdue_groups:
            commercial = partner.commercial_partner_id
            per_customer[commercial] = per_customer.get(commercial, 0.0) + amount
        top = sorted(
            ((partner, amount) for partner, amount in per_customer.items() if amount > 0),
            key=lambda pair: -pair[1],
        )[:TOP_DEBTORS]
        return {
            "date": today,
            "holds_count": holds_count,
            "holds_amount": holds_amount or 0.0,
            "overdue": sum(amount for amount in per_customer.values()),
            "top": top,
        }
