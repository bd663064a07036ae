import logging

from markupsafe import Markup

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

_logger = logging.getLogger(__name__)

HOLD_STATES = [
    ("pending", "Pending"),
    ("released", "Released"),
    ("rejected", "Rejected"),
]


class CreditHold(models.Model):
    """A document stopped by the credit rules at a checkpoint, waiting for a decision: a
    sale order at confirmation here, an invoice at posting or a delivery at validation in
    their packages (each adds its checkpoint and its document field).

    It keeps why (one reason per failed rule, with its figures), who asked and when, and
    the credit manager's decision with its reason. A release allows the document up to the
    amount it had when released; a larger amount is checked again.
    """

    _name = "credit.hold"
    _description = "Credit Hold"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    checkpoint = fields.Selection(
        [("order", "Order confirmation")],
        required=True,
        default="order",
        readonly=True,
        index=True,
        help="The door the document was stopped at.",
    )
    order_id = fields.Many2one(
        "sale.order",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    document_name = fields.Char(string="Document", compute="_compute_document_name")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        help="The commercial entity whose credit is held.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    currency_id = fields.Many2one("res.currency", string="Document Currency", readonly=True)
    order_currency_id = fields.Many2one(related="currency_id", string="Order Currency")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    requested_by_id = fields.Many2one("res.users", readonly=True)
    request_date = fields.Datetime(string="Requested On", readonly=True)
    amount_total = fields.Monetary(
        string="Order Total",
        currency_field="currency_id",
        readonly=True,
        help="Total of the document when it was last checked.",
    )
    amount_company = fields.Monetary(
        string="Order Amount",
        currency_field="company_currency_id",
        readonly=True,
        help="What the document adds to the customer's exposure, in company currency, when it was last checked.",
    )
    state = fields.Selection(HOLD_STATES, default="pending", required=True, readonly=True, index=True, tracking=True)
    reason_ids = fields.One2many("credit.hold.reason", "hold_id", string="Reasons", readonly=True)
    reason_summary = fields.Text(compute="_compute_reason_summary", string="Why")
    decision_reason = fields.Text(readonly=True, tracking=True)
    decided_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    decision_date = fields.Datetime(string="Decided On", readonly=True)
    released_amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The order total the credit manager saw and released; a larger total is checked again.",
    )

    _sql_constraints = [
        ("document_required", "CHECK(order_id IS NOT NULL OR checkpoint != 'order')", "A hold needs its document."),
    ]

    @api.depends("checkpoint")
    def _compute_document_name(self):
        for hold in self:
            hold.document_name = hold._get_document().display_name

    @api.depends("reason_ids.message")
    def _compute_reason_summary(self):
        for hold in self:
            hold.reason_summary = "\n".join(hold.reason_ids.mapped("message"))

    # ------------------------------------------------------------------
    # CRUD and actions
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].with_company(vals.get("company_id")).next_by_code("credit.hold") or "/"
                )
        return super().create(vals_list)

    def action_open_decision_wizard(self):
        decision = self.env.context.get("credit_decision", "release")
        self._ensure_can_decide()
        return {
            "type": "ir.actions.act_window",
            "name": _("Release Credit Hold") if decision == "release" else _("Reject Credit Hold"),
            "res_model": "credit.hold.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_hold_ids": self.ids, "default_decision": decision},
        }

    def action_view_order(self):
        return self.action_view_document()

    def action_view_document(self):
        self.ensure_one()
        document = self._get_document()
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # The document held
    # ------------------------------------------------------------------

    @api.model
    def _get_document_fields(self):
        """{checkpoint: field of the document}; a package adding a checkpoint adds its field."""
        return {"order": "order_id"}

    def _get_document(self):
        """The order, invoice or delivery this hold stops."""
        self.ensure_one()
        return self[self._get_document_fields()[self.checkpoint]]

    def _get_checkpoint_label(self):
        """The checkpoint as the reader reads it ("Invoice posting")."""
        self.ensure_one()
        return dict(self._fields["checkpoint"]._description_selection(self.env))[self.checkpoint]

    def _format_amount(self, amount, currency=None):
        return formatLang(self.env, amount, currency_obj=currency or self.currency_id)

    # ------------------------------------------------------------------
    # Creation from the confirmation path
    # ------------------------------------------------------------------

    @api.model
    def _hold_orders(self, failures_by_order, changed=False):
        return self._hold_documents(failures_by_order, changed=changed)

    @api.model
    def _hold_documents(self, failures_by_document, changed=False):
        """Create, or refresh when one is pending, the hold of each failed document.

        Runs as superuser: a salesperson who cannot write holds still gets one. Credit
        managers get an activity on each new hold; the document gets a message with reasons.
        With ``changed``, the documents were edited while their hold waits: the pending hold
        takes the new total, figures and reasons, and its review activities say so.
        """
        holds = self.sudo().browse()
        if not failures_by_document:
            return holds
        now = fields.Datetime.now()
        documents = next(iter(failures_by_document)).browse([document.id for document in failures_by_document])
        amounts = documents.sudo()._credit_get_amounts()
        for document, failures in failures_by_document.items():
            document = document.sudo()
            pending = document._credit_get_pending_hold()
            if changed and not pending:
                continue
            previous_total = pending.amount_total
            reason_commands = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "sequence": index,
                        "rule": failure["rule"],
                        "params": failure["params"],
                        "value": failure.get("value", 0.0),
                        "threshold": failure.get("threshold", 0.0),
                    }
                )
                for index, failure in enumerate(failures)
            ]
            vals = dict(document._credit_prepare_hold_values(amounts[document]), reason_ids=reason_commands)
            if not changed:
                vals.update(requested_by_id=self.env.uid, request_date=now)
            hold = pending
            if hold and changed:
                hold.write(vals)
                hold._post_change_messages(previous_total)
                holds |= hold
                continue
            if hold:
                hold.write(vals)
                new = False
            else:
                vals.update(
                    {
                        document._credit_hold_field: document.id,
                        "checkpoint": document._credit_checkpoint,
                        "company_id": document.company_id.id,
                    }
                )
                hold = self.sudo().create(vals)
                new = True
            hold._post_request_messages(new)
            holds |= hold
        return holds

    def _reason_html(self):
        self.ensure_one()
        items = Markup("").join(Markup("<li>%s</li>") % message for message in self.reason_ids.mapped("message"))
        return Markup("<ul>%s</ul>") % items

    def _post_request_messages(self, new):
        self.ensure_one()
        document = self._get_document()
        body = Markup("<p>%s</p>") % document._credit_hold_intro(self, new) + self._reason_html()
        document.message_post(body=body, subtype_xmlid=document._credit_hold_subtype())
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        if new:
            self._schedule_review_activities()

    def _post_change_messages(self, previous_total):
        """The order changed while its hold waits: say so on both, and in the review activities."""
        self.ensure_one()
        document = self._get_document()
        intro = _(
            "%(order)s changed while waiting on credit hold %(hold)s: total %(before)s, now %(after)s. "
            "The hold shows the new figures:",
            order=document.display_name,
            hold=self.name,
            before=self._format_amount(previous_total),
            after=self._format_amount(self.amount_total),
        )
        body = Markup("<p>%s</p>") % intro + self._reason_html()
        document.message_post(body=body, subtype_xmlid=document._credit_hold_subtype())
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        activities = self.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == self.env.ref("credit_control.mail_activity_type_credit_hold_review")
            )
        )
        for activity in activities:
            activity.note = self.with_context(lang=activity.user_id.lang)._review_note()

    def _review_note(self):
        self.ensure_one()
        return (
            Markup("<p>%s</p>")
            % _(
                "%(customer)s, %(document)s for %(amount)s:",
                customer=self.partner_id.display_name,
                document=self._get_document().display_name,
                amount=self._format_amount(self.amount_total),
            )
            + self._reason_html()
        )

    def _schedule_review_activities(self):
        self.ensure_one()
        for manager in self.company_id._get_credit_managers():
            hold = self.with_context(lang=manager.lang)
            self.activity_schedule(
                "credit_control.mail_activity_type_credit_hold_review",
                user_id=manager.id,
                note=hold._review_note(),
                summary=hold._review_summary(),
            )

    def _review_summary(self):
        return _("Review credit hold %s", self.name)

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

    def _ensure_credit_manager(self):
        if not self.env.su and not self.env.user.has_group("credit_control.group_credit_manager"):
            raise AccessError(_("Only credit managers can release or reject credit holds."))

    def _ensure_decision(self, reason):
        self._ensure_can_decide()
        if not (reason or "").strip():
            raise UserError(_("Give the reason of your decision on the credit hold."))

    def _ensure_can_decide(self):
        """A credit manager decides pending holds only."""
        self._ensure_credit_manager()
        not_pending = self.filtered(lambda hold: hold.state != "pending")
        if not_pending:
            raise UserError(
                _(
                    "These credit holds were already decided: %s",
                    ", ".join(not_pending.mapped("name")),
                )
            )

    def _release(self, reason):
        """Release the holds and let their documents through (an order is confirmed, an
        invoice posted), up to the amount the manager saw."""
        self._ensure_decision(reason)
        for hold in self:
            document = hold._get_document().sudo()
            document._credit_ensure_releasable(hold)
            hold.sudo().write(
                {
                    "state": "released",
                    "decision_reason": reason,
                    "decided_by_id": self.env.uid,
                    "decision_date": fields.Datetime.now(),
                    "released_amount": hold.amount_total,
                }
            )
            hold._log_decision(_("released"), reason)
            document._credit_after_release(hold)
        return True

    def _reject(self, reason):
        """Reject the holds: the orders stay quotations and their salespeople are told why."""
        self._ensure_decision(reason)
        self.sudo().write(
            {
                "state": "rejected",
                "decision_reason": reason,
                "decided_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        for hold in self:
            hold._log_decision(_("rejected"), reason)
        return True

    def _log_decision(self, decision, reason):
        self.ensure_one()
        body = Markup("<p>%s</p>") % _(
            "Credit hold %(hold)s %(decision)s by %(user)s: %(reason)s",
            hold=self.name,
            decision=decision,
            user=self.env.user.name,
            reason=reason,
        )
        self.sudo().activity_feedback(["credit_control.mail_activity_type_credit_hold_review"], feedback=reason)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        document = self._get_document().sudo()
        salesperson = self.user_id.partner_id
        document.message_post(
            body=body,
            subtype_xmlid=document._credit_decision_subtype(),
            partner_ids=salesperson.ids if salesperson and self.user_id != self.env.user else [],
        )

    # ------------------------------------------------------------------
    # Automatic re-evaluation: the customer paid, got a higher limit, left a manual hold
    # ------------------------------------------------------------------

    @api.model
    def _pending_partner_ids(self, partners, company):
        """Ids of the ``partners`` with a pending hold in ``company`` (one indexed query)."""
        groups = self.sudo()._read_group(
            [("state", "=", "pending"), ("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            ["partner_id"],
        )
        return {partner.id for (partner,) in groups}

    @api.model
    def _reevaluate_pending(self, partners, company, why):
        """Check the pending holds of ``partners`` in ``company`` again; release those that now
        pass, or tell the credit managers (company option), saying ``why`` and the exposure now.

        Never blocks what triggered it (a payment, a limit change): a failure is logged and the
        holds stay pending.
        """
        holds = self.sudo().search(
            [("state", "=", "pending"), ("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        )
        if not holds:
            return self.browse()
        try:
            with self.env.cr.savepoint():
                return holds.with_company(company)._reevaluate(why)
        except Exception:
            _logger.exception("Credit holds %s could not be checked again", holds.ids)
            return self.browse()

    def _reevaluate(self, why):
        passing = self.browse()
        rule = self.env["credit.rule"]
        for _checkpoint, holds in self.grouped("checkpoint").items():
            documents = holds._get_documents()
            results = rule._evaluate_documents(documents, lock=True)
            failed_ids = {document.id for document, failures in results.items() if failures}
            for hold in holds:
                if hold._get_document().id not in failed_ids:
                    passing |= hold
        if not passing:
            return passing
        company = passing.company_id[:1]
        figures = self.env["credit.exposure"]._get_figures(passing.partner_id, company)
        released = self.browse()
        for hold in passing:
            reason = _(
                "%(partner)s passes the credit rules again (%(why)s); exposure now %(exposure)s.",
                partner=hold.partner_id.display_name,
                why=why,
                exposure=hold._format_amount(figures[hold.partner_id.id].exposure, company.currency_id),
            )
            if company.credit_auto_release == "release":
                try:
                    with self.env.cr.savepoint():
                        # the document passes the rules by itself now: no risk is accepted
                        hold.with_user(SUPERUSER_ID).with_context(credit_release_passes=True)._release(
                            _("Released automatically: %s", reason)
                        )
                    released |= hold
                except UserError as error:
                    hold._notify_passes(
                        _("%(reason)s It could not be released automatically: %(error)s", reason=reason, error=error)
                    )
            else:
                hold._notify_passes(reason)
        return released

    def _get_documents(self):
        """The documents of holds of one checkpoint."""
        field = self._get_document_fields()[self[:1].checkpoint]
        return self[field]

    def _notify_passes(self, reason):
        """The hold now passes: its credit managers are told, it stays pending for them to release."""
        self.ensure_one()
        managers = self.company_id._get_credit_managers()
        self.message_post(
            body=Markup("<p>%s</p>") % reason,
            subtype_xmlid="mail.mt_note",
            partner_ids=managers.partner_id.ids,
        )
