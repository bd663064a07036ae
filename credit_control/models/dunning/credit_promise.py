from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.misc import formatLang

from ...lib.dunning import PROMISE_BROKEN, PROMISE_KEPT, promise_state

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]


def promise_paid_sql(account_ids):
    """What a promise (row ``pr`` of credit_promise, ``m`` its invoice) got paid since it was
    made: the invoice's residual for an invoice, the customer's payments and credit notes on
    its receivable accounts for a customer."""
    return SQL(
        """CASE WHEN pr.move_id IS NOT NULL
                THEN COALESCE(pr.amount_due, 0) - m.amount_residual
                ELSE (SELECT COALESCE(SUM(-aml.balance), 0)
                        FROM res_partner mp
                        JOIN account_move_line aml ON aml.partner_id = mp.id
                       WHERE mp.commercial_partner_id = pr.partner_id
                         AND aml.account_id = ANY(%s)
                         AND aml.company_id = pr.company_id
                         AND aml.parent_state = 'posted'
                         AND aml.balance < 0
                         AND aml.date >= pr.date_since)
           END""",
        list(account_ids),
    )


class CreditPromise(models.Model):
    """A customer's promise to pay, on one invoice or on the customer as a whole.

    While it is open and its date has not passed, the dunning leaves the promised items alone
    (every item of the customer for a customer-level promise). After its date the dunning run
    settles it: kept when at least the promised amount was paid since it was made, broken
    otherwise. A broken promise escalates the dunning once, by the communication recorded on
    it; it stays as history. A newer promise on the same invoice (or the same customer)
    cancels the open one it replaces.
    """

    _name = "credit.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        help="The commercial entity that promised to pay.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        index=True,
        check_company=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_receipt')), ('commercial_partner_id', '=', partner_id)]",
        help="The invoice promised; empty: every item of the customer.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
        required=True,
        help="The invoice's currency, or the company's for a promise on the customer.",
    )
    date = fields.Date(string="Promised Payment Date", required=True, tracking=True)
    amount = fields.Monetary(string="Promised Amount", required=True, tracking=True, currency_field="currency_id")
    amount_due = fields.Monetary(
        string="Amount Due When Promised",
        readonly=True,
        currency_field="currency_id",
        help="The amount due when the promise was recorded: payments since then count towards it.",
    )
    date_since = fields.Date(
        string="Promise Recorded On",
        required=True,
        readonly=True,
        default=fields.Date.context_today,
        help="Payments from this date on count towards the promise.",
    )
    state = fields.Selection(PROMISE_STATES, default="open", required=True, readonly=True, index=True, tracking=True)
    note = fields.Text(help="What was agreed, with whom.")
    user_id = fields.Many2one(
        "res.users", string="Recorded By", readonly=True, default=lambda self: self.env.user, tracking=True
    )
    escalation_communication_id = fields.Many2one(
        "credit.dunning.communication",
        string="Escalated By",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The dunning communication that escalated the broken promise (once).",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("partner_id", "move_id", "date")
    def _compute_name(self):
        for promise in self:
            promise.name = _(
                "%(document)s by %(date)s",
                document=promise.move_id.name or promise.partner_id.display_name or "",
                date=format_date(self.env, promise.date) if promise.date else "",
            )

    @api.depends("move_id.currency_id", "company_id.currency_id")
    def _compute_currency_id(self):
        for promise in self:
            promise.currency_id = promise.move_id.currency_id or promise.company_id.currency_id

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("amount")
    def _check_amount(self):
        for promise in self:
            if promise.amount <= 0:
                raise ValidationError(_("The promised amount must be positive."))

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for promise in self:
            if promise.state == "open" and promise.date < today:
                raise ValidationError(_("A promise to pay cannot be dated in the past."))

    @api.constrains("partner_id")
    def _check_partner(self):
        for promise in self:
            if promise.partner_id != promise.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "A promise to pay is recorded on the customer %(customer)s, not on its contact %(contact)s.",
                        customer=promise.partner_id.commercial_partner_id.display_name,
                        contact=promise.partner_id.display_name,
                    )
                )

    @api.constrains("move_id", "partner_id", "company_id")
    def _check_move(self):
        for promise in self.filtered("move_id"):
            move = promise.move_id
            if move.move_type not in ("out_invoice", "out_receipt"):
                raise ValidationError(
                    _("Only customer invoices can be disputed or carry a promise to pay (%(move)s).", move=move.name)
                )
            if move.commercial_partner_id != promise.partner_id or move.company_id != promise.company_id:
                raise ValidationError(
                    _(
                        "The invoice %(move)s is not an invoice of %(customer)s in %(company)s.",
                        move=move.name,
                        customer=promise.partner_id.display_name,
                        company=promise.company_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        # what is due when the promise is made: payments from now on count towards it
        for promise in promises:
            if promise.move_id:
                promise.amount_due = promise.move_id.amount_residual
            else:
                promise.amount_due = promise.partner_id.with_company(promise.company_id).sudo().credit_overdue
        promises._cancel_replaced()
        return promises

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_cancel(self):
        """Forget open promises (paid, or replaced by an agreement)."""
        if any(promise.state != "open" for promise in self):
            raise UserError(_("Only open promises to pay can be cancelled."))
        self.write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _cancel_replaced(self):
        """The open promises of the same invoice (or of the same customer) that these replace."""
        for promise in self:
            replaced = self.search(
                [
                    ("id", "not in", self.ids),
                    ("state", "=", "open"),
                    ("partner_id", "=", promise.partner_id.id),
                    ("company_id", "=", promise.company_id.id),
                    ("move_id", "=", promise.move_id.id),
                ]
            )
            replaced.write({"state": "cancelled"})

    @api.model
    def _settle(self, company, on_date, account_ids):
        """Settle the open promises of ``company`` whose date is before ``on_date``: kept or broken.

        Set-based: one query reads what each due promise got paid since it was made (the
        invoice's residual for an invoice, the customer's payments and credit notes for a
        customer), one UPDATE per outcome writes the states. Returns the ids of the promises
        broken now.
        """
        self.flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["account.move"].flush_model(["amount_residual"])
        self.env["account.move.line"].flush_model(
            ["partner_id", "account_id", "company_id", "parent_state", "balance", "date"]
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT pr.id, pr.date, pr.amount,
                   %(paid)s
              FROM credit_promise pr
         LEFT JOIN account_move m ON m.id = pr.move_id
             WHERE pr.company_id = %(company_id)s
               AND pr.state = 'open'
               AND pr.date < %(date)s
            """,
                paid=promise_paid_sql(account_ids),
                company_id=company.id,
                date=on_date,
            )
        )
        outcome = {PROMISE_KEPT: [], PROMISE_BROKEN: []}
        for promise_id, promise_date, amount, paid in self.env.cr.fetchall():
            outcome[promise_state(promise_date, float(amount), float(paid or 0.0), on_date)].append(promise_id)
        for state, promise_ids in outcome.items():
            if promise_ids:
                self.env.cr.execute(
                    SQL(
                        """
                    UPDATE credit_promise
                       SET state = %(state)s, write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                     WHERE id = ANY(%(ids)s)
                    """,
                        state=state,
                        uid=self.env.uid,
                        ids=promise_ids,
                    )
                )
        self.invalidate_model(["state"])
        return outcome[PROMISE_BROKEN]

    @api.model
    def _escalate(self, communication, move_ids):
        """The broken promises not escalated yet that ``communication`` escalates: those of the
        customer and those of the invoices ``move_ids``. Recorded on each promise (so that it
        escalates once) with a message on it and on its invoice; returns them."""
        promises = self.sudo().search(
            [
                ("company_id", "=", communication.company_id.id),
                ("partner_id", "=", communication.partner_id.id),
                ("state", "=", "broken"),
                ("escalation_communication_id", "=", False),
                "|",
                ("move_id", "=", False),
                ("move_id", "in", list(move_ids)),
            ],
            order="date, id",
        )
        promises.write({"escalation_communication_id": communication.id})
        for promise in promises:
            body = _(
                "Promise to pay %(amount)s by %(date)s broken: dunning escalated to %(level)s.",
                amount=formatLang(self.env, promise.amount, currency_obj=promise.currency_id),
                date=format_date(self.env, promise.date),
                level=communication.level_id.name,
            )
            promise.message_post(body=body, subtype_xmlid="mail.mt_note")
            if promise.move_id:
                promise.move_id.message_post(body=body)
        return promises

    def _post_recorded(self):
        """Say on the invoice (or the customer) that the promise was recorded."""
        for promise in self:
            body = _(
                "Promise to pay %(amount)s by %(date)s recorded.",
                amount=formatLang(self.env, promise.amount, currency_obj=promise.currency_id),
                date=format_date(self.env, promise.date),
            )
            if promise.note:
                body = Markup("%s<br/>%s") % (body, escape(promise.note))
            if promise.move_id:
                promise.move_id.message_post(body=body)
            else:
                promise.partner_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
