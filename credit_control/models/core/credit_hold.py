from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

HOLD_STATES = [
    ("pending", "Pending"),
    ("released", "Released"),
    ("rejected", "Rejected"),
]


class CreditHold(models.Model):
    """A sale order stopped at confirmation by the credit rules, waiting for a decision.

    It keeps why (one reason per failed rule, with its figures), who asked and when, and
    the credit manager's decision with its reason. A release allows the order up to the
    total it had when released; a larger total is checked again.
    """

    _name = "credit.hold"
    _description = "Credit Hold"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
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
    order_currency_id = fields.Many2one(related="order_id.currency_id", string="Order Currency")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    requested_by_id = fields.Many2one("res.users", readonly=True)
    request_date = fields.Datetime(string="Requested On", readonly=True)
    amount_total = fields.Monetary(
        string="Order Total",
        currency_field="order_currency_id",
        readonly=True,
        help="Total of the order when confirmation was last requested.",
    )
    amount_company = fields.Monetary(
        string="Order Amount",
        currency_field="company_currency_id",
        readonly=True,
        help="The order's amount in company currency when confirmation was last requested.",
    )
    state = fields.Selection(HOLD_STATES, default="pending", required=True, readonly=True, index=True, tracking=True)
    reason_ids = fields.One2many("credit.hold.reason", "hold_id", string="Reasons", readonly=True)
    reason_summary = fields.Text(compute="_compute_reason_summary", string="Why")
    decision_reason = fields.Text(readonly=True, tracking=True)
    decided_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    decision_date = fields.Datetime(string="Decided On", readonly=True)
    released_amount = fields.Monetary(
        currency_field="order_currency_id",
        readonly=True,
        help="The order total the credit manager saw and released; a larger total is checked again.",
    )

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
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Creation from the confirmation path
    # ------------------------------------------------------------------

    @api.model
    def _hold_orders(self, failures_by_order, changed=False):
        """Create, or refresh when one is pending, the hold of each failed order.

        Runs as superuser: a salesperson who cannot write holds still gets one. Credit
        managers get an activity on each new hold; the order gets a message with reasons.
        With ``changed``, the orders were edited while their hold waits: the pending hold
        takes the new total, figures and reasons, and its review activities say so.
        """
        holds = self.sudo().browse()
        now = fields.Datetime.now()
        amounts = self.env["credit.rule"]._get_order_amounts(self.env["sale.order"].concat(*failures_by_order))
        for order, failures in failures_by_order.items():
            order = order.sudo()
            pending = order.credit_hold_ids.filtered(lambda h: h.state == "pending")[:1]
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
            vals = {
                "reason_ids": reason_commands,
                "amount_total": order.amount_total,
                "amount_company": amounts[order],
                "user_id": order.user_id.id,
                "team_id": order.team_id.id,
                "partner_id": order.partner_invoice_id.commercial_partner_id.id,
            }
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
                hold = self.sudo().create(dict(vals, order_id=order.id, company_id=order.company_id.id))
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
        order = self.order_id
        intro = (
            _("Confirmation of %(order)s is on credit hold %(hold)s:", order=order.name, hold=self.name)
            if new
            else _(
                "Confirmation of %(order)s was requested again and stays on credit hold %(hold)s:",
                order=order.name,
                hold=self.name,
            )
        )
        body = Markup("<p>%s</p>") % intro + self._reason_html()
        order.message_post(body=body, subtype_xmlid="credit_control.mt_order_credit_hold")
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        if new:
            self._schedule_review_activities()

    def _post_change_messages(self, previous_total):
        """The order changed while its hold waits: say so on both, and in the review activities."""
        self.ensure_one()
        order = self.order_id
        intro = _(
            "%(order)s changed while waiting on credit hold %(hold)s: total %(before)s, now %(after)s. "
            "The hold shows the new figures:",
            order=order.name,
            hold=self.name,
            before=order._format_amount(previous_total),
            after=order._format_amount(self.amount_total),
        )
        body = Markup("<p>%s</p>") % intro + self._reason_html()
        order.message_post(body=body, subtype_xmlid="credit_control.mt_order_credit_hold")
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
                "%(customer)s, order %(order)s for %(amount)s:",
                customer=self.partner_id.display_name,
                order=self.order_id.name,
                amount=self.order_id._format_amount(self.amount_total),
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
        """Release the holds and confirm their orders, up to the total the manager saw."""
        self._ensure_decision(reason)
        for hold in self:
            order = hold.order_id.sudo()
            if order.state not in ("draft", "sent"):
                raise UserError(
                    _(
                        "Order %(order)s cannot be confirmed from hold %(hold)s: it is no longer a quotation.",
                        order=order.name,
                        hold=hold.name,
                    )
                )
            amount = self.env["credit.rule"]._get_order_amounts(order)[order]
            if (
                order.company_id.currency_id.compare_amounts(amount, hold.amount_company) > 0
                or order.partner_invoice_id.commercial_partner_id != hold.partner_id
            ):
                raise UserError(
                    _(
                        "Order %(order)s changed since credit hold %(hold)s was requested (%(before)s, now "
                        "%(after)s): ask the salesperson to confirm it again, so that the hold shows what you release.",
                        order=order.name,
                        hold=hold.name,
                        before=order._format_amount(hold.amount_company, order.company_id.currency_id),
                        after=order._format_amount(amount, order.company_id.currency_id),
                    )
                )
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
            order.action_confirm()
            if order.state != "sale":
                raise UserError(_("Order %s could not be confirmed after its release.", order.name))
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
        order = self.order_id.sudo()
        salesperson = order.user_id.partner_id
        order.message_post(
            body=body,
            subtype_xmlid="credit_control.mt_order_credit_decision",
            partner_ids=salesperson.ids if salesperson and order.user_id != self.env.user else [],
        )
