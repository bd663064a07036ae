from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class CreditDunningPromise(models.TransientModel):
    """Record a customer's promise to pay, on an invoice or on the customer: a ``credit.promise``
    that stops the dunning until its date; a promise not kept escalates the dunning."""

    _name = "credit.dunning.promise"
    _description = "Record a Promise to Pay"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", required=True)
    amount_due = fields.Monetary(readonly=True)
    promise_id = fields.Many2one("credit.promise", string="Open Promise", readonly=True)
    promise_date = fields.Date(string="Promised Payment Date", required=True)
    promise_amount = fields.Monetary(string="Promised Amount", required=True)
    note = fields.Text(help="What was agreed, with whom.")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_record(self):
        """Record the promise; it replaces the open promise of the invoice (or customer)."""
        self.ensure_one()
        self._ensure_user_can_record()
        promise = self.env["credit.promise"].create(
            {
                "partner_id": self.partner_id.id,
                "move_id": self.move_id.id,
                "company_id": self.company_id.id,
                "date": self.promise_date,
                "amount": self.promise_amount,
                "note": self.note,
                "user_id": self.env.user.id,
            }
        )
        promise._post_recorded()
        return {"type": "ir.actions.act_window_close"}

    def action_clear(self):
        """Forget the open promise (paid, or replaced by an agreement)."""
        self.ensure_one()
        self._ensure_user_can_record()
        if self.promise_id.state == "open":
            self.promise_id.action_cancel()
            body = _("Promise to pay cleared.")
            if self.move_id:
                self.move_id.message_post(body=body)
            else:
                self.partner_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _open_for(self, partner=None, move=None):
        """The wizard for the invoice ``move`` or the customer ``partner``, filled in with its
        open promise if any."""
        self._ensure_user_can_record()
        company = move.company_id if move else self.env.company
        default_date = fields.Date.context_today(self) + timedelta(days=7)
        partner = (move.commercial_partner_id if move else partner.commercial_partner_id).sudo()
        open_promise = (
            self.env["credit.promise"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("move_id", "=", move.id if move else False),
                    ("state", "=", "open"),
                ],
                limit=1,
            )
        )
        if move:
            vals = {"move_id": move.id, "currency_id": move.currency_id.id, "amount_due": move.amount_residual}
        else:
            vals = {
                "currency_id": company.currency_id.id,
                "amount_due": partner.with_company(company).credit_overdue,
            }
        vals.update(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "promise_id": open_promise.id,
                "promise_amount": open_promise.amount or vals["amount_due"],
                "promise_date": open_promise.date or default_date,
                "note": open_promise.note,
            }
        )
        wizard = self.create(vals)
        return {
            "type": "ir.actions.act_window",
            "name": _("Promise to Pay"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _ensure_user_can_record(self):
        user = self.env.user
        if not (user.has_group("account.group_account_invoice") or user.has_group("credit_control.group_credit_user")):
            raise AccessError(_("Only accountants and credit users can record promises to pay."))
