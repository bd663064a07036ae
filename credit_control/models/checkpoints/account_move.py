from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..core.credit_hold import HOLD_STATES

# Invoices that passed the credit check in the current transaction (cleared at commit/rollback).
CHECKED_KEY = "credit_control.checked_move_ids"


class AccountMove(models.Model):
    """The invoice door: a customer invoice is checked when it is posted.

    Posting from the button holds a failing invoice (it stays a draft with a decision
    record); any other path (scripts, imports, the automatic posting of scheduled invoices)
    is refused with the reasons. The invoice counts once: it is left out of the draft
    invoices figure and added with its own amount, its orders no longer count what it invoices.
    """

    _name = "account.move"
    _inherit = ["account.move", "credit.document.mixin"]
    _credit_hold_field = "move_id"
    _credit_checkpoint = "invoice"
    _credit_checked_key = CHECKED_KEY

    credit_hold_ids = fields.One2many("credit.hold", "move_id", string="Credit Holds", readonly=True)
    credit_hold_count = fields.Integer(compute="_compute_credit_hold_count", compute_sudo=True)
    credit_hold_state = fields.Selection(
        HOLD_STATES,
        string="Credit Hold",
        compute="_compute_credit_hold_state",
        store=True,
        compute_sudo=True,
        index="btree_not_null",
        help="State of the invoice's latest credit hold, if it has one.",
    )
    credit_check_warning = fields.Text(
        compute="_compute_credit_check_warning",
        compute_sudo=True,
        help="Why posting this invoice would put it on credit hold.",
    )

    @api.depends("state", "amount_total", "partner_id", "invoice_payment_term_id")
    def _compute_credit_check_warning(self):
        self.credit_check_warning = False
        to_check = self._origin.filtered("id")._credit_to_check()
        if not to_check:
            return
        warnings = {}
        results = self.env["credit.rule"]._evaluate_documents(to_check, cumulative=False, warnings=warnings)
        for move in self:
            # the saved invoice is judged (a form being edited shows the warning of its saved state)
            messages = [failure["message"] for failure in results.get(move._origin, [])]
            messages += [_("Warning: %s", failure["message"]) for failure in warnings.get(move._origin, [])]
            move.credit_check_warning = "\n".join(messages) or False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_post(self):
        """Post the invoices that pass the credit rules; hold the others (they stay drafts)."""
        held = self._credit_hold_failed()
        to_post = self - held
        result = super(AccountMove, to_post).action_post() if to_post else False
        if held:
            return held._credit_hold_notification()
        return result

    def write(self, vals):
        # writing the state is a path to a posted invoice too (imports, scripts, server actions)
        if vals.get("state") == "posted":
            (self._credit_to_check() - self._credit_checked())._credit_ensure_allowed()
        return super().write(vals)

    def _post(self, soft=True):
        # every path to a posted invoice is checked; the button above has checked already
        (self._credit_to_check() - self._credit_checked())._credit_ensure_allowed()
        return super()._post(soft)

    # ------------------------------------------------------------------
    # credit.document.mixin
    # ------------------------------------------------------------------

    def _credit_to_check(self):
        """Draft customer invoices (never refunds) of companies checking invoices (those fully paid
        online pass: ``_credit_get_passed``)."""
        return self.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state == "draft"
                and move.company_id._credit_checks_at("invoice")
            )
        )

    def _credit_prefetch(self):
        self.fetch(
            ["company_id", "commercial_partner_id", "amount_total_signed", "move_type", "state", "credit_hold_state"]
        )

    def _credit_get_partners(self):
        return {move: move.commercial_partner_id for move in self}

    def _credit_get_amounts(self):
        return {move: move.amount_total_signed for move in self}

    def _credit_get_figure_exclusions(self):
        return {"exclude_moves": self}

    def _credit_get_document_queries(self):
        """What the invoices' done transactions paid."""
        moves = self._origin.filtered("id")
        if not moves:
            return []
        return [
            self.env["credit.exposure"]._paid_online_sql(
                moves, "account_invoice_transaction_rel", "invoice_id", ("done",)
            )
        ]

    def _credit_get_passed(self, amounts, facts=None):
        """Released invoices, invoices fully paid online, invoices of orders released for at least
        their amount, and invoices of orders checked within the company's grace days for at least
        their amount."""
        passed = super()._credit_get_passed(amounts, facts) | set(self._credit_paid_online(facts or {}))
        orders_of = {move: move.invoice_line_ids.sale_line_ids.order_id for move in self}
        orders = self.env["sale.order"].concat(*orders_of.values())
        if not orders:
            return passed
        released = defaultdict(float)
        for order, amount in self.env["credit.hold"]._read_group(
            [("order_id", "in", orders.ids), ("state", "=", "released")], ["order_id"], ["amount_company:max"]
        ):
            released[order.id] = amount
        checked = {}
        for company, moves in self.grouped("company_id").items():
            if company.credit_invoice_grace_days:
                since = self._credit_grace_start(company.credit_invoice_grace_days)
                checked.update(self._credit_orders_checked_since(moves.invoice_line_ids.sale_line_ids.order_id, since))
        for move in self:
            currency = move.company_id.currency_id
            move_orders = orders_of[move]
            if not move_orders:
                continue
            for allowed in (released, checked):
                covered = sum(allowed.get(order.id, 0.0) for order in move_orders)
                if all(order.id in allowed for order in move_orders) and (
                    currency.compare_amounts(amounts[move], covered) <= 0
                ):
                    passed.add(move)
        return passed

    def _credit_get_payment_days(self):
        days = self.env["credit.rule"]._get_payment_term_days(
            {move: move.invoice_payment_term_id for move in self if move.invoice_payment_term_id}
        )
        for move in self:
            if move not in days and move.invoice_date and move.invoice_date_due:
                days[move] = (move.invoice_date_due - move.invoice_date).days
        return days

    def _credit_prepare_hold_values(self, amount):
        return {
            "amount_total": self.amount_total,
            "amount_company": amount,
            "currency_id": self.currency_id.id,
            "user_id": self.invoice_user_id.id,
            "team_id": self.team_id.id,
            "partner_id": self.commercial_partner_id.id,
        }

    def _credit_refused_message(self, reasons):
        return _(
            "These invoices cannot be posted this way: they break the credit rules. Use the Confirm "
            "button of the invoice, which puts it on credit hold for a credit manager to review.\n%(reasons)s",
            reasons=reasons,
        )

    def _credit_ensure_releasable(self, hold):
        if self.state != "draft":
            raise UserError(
                _(
                    "Invoice %(invoice)s cannot be posted from hold %(hold)s: it is no longer a draft.",
                    invoice=self.display_name,
                    hold=hold.name,
                )
            )
        return super()._credit_ensure_releasable(hold)

    def _credit_after_release(self, hold):
        self.action_post()
        if self.state != "posted":
            raise UserError(_("Invoice %s could not be posted after its release.", self.display_name))
