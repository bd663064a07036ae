from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date
from odoo.tools.misc import formatLang


class CreditDunningPromise(models.TransientModel):
    """Record a customer's promise to pay, on an invoice or on the customer: no dunning until
    the date; a promise not kept escalates the dunning."""

    _name = "credit.dunning.promise"
    _description = "Promise to Pay"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", required=True)
    amount_due = fields.Monetary(readonly=True)
    promise_date = fields.Date(string="Promised Payment Date", required=True)
    promise_amount = fields.Monetary(string="Promised Amount", required=True)
    note = fields.Text(help="What was agreed, with whom.")

    @api.model
    def _open_for(self, partner=None, move=None):
        self._check_user()
        company = move.company_id if move else self.env.company
        default_date = fields.Date.context_today(self) + timedelta(days=7)
        if move:
            vals = {
                "move_id": move.id,
                "partner_id": move.commercial_partner_id.id,
                "currency_id": move.currency_id.id,
                "amount_due": move.amount_residual,
                "promise_amount": move.credit_promise_amount or move.amount_residual,
                "promise_date": move.credit_promise_date or default_date,
            }
        else:
            partner = partner.sudo().with_company(company)
            vals = {
                "partner_id": partner.id,
                "currency_id": company.currency_id.id,
                "amount_due": partner.credit_overdue,
                "promise_amount": partner.credit_promise_amount or partner.credit_overdue,
                "promise_date": partner.credit_promise_date or default_date,
            }
        wizard = self.create(dict(vals, company_id=company.id))
        return {
            "type": "ir.actions.act_window",
            "name": _("Promise to Pay"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _check_user(self):
        user = self.env.user
        if not (user.has_group("account.group_account_invoice") or user.has_group("credit_control.group_credit_user")):
            raise AccessError(_("Only accountants and credit users can record promises to pay."))

    def action_record(self):
        self.ensure_one()
        self._check_user()
        if self.promise_amount <= 0:
            raise UserError(_("The promised amount must be positive."))
        if self.promise_date < fields.Date.context_today(self):
            raise UserError(_("A promise to pay cannot be dated in the past."))
        body = _(
            "Promise to pay %(amount)s by %(date)s recorded.",
            amount=formatLang(self.env, self.promise_amount, currency_obj=self.currency_id),
            date=format_date(self.env, self.promise_date),
        )
        if self.note:
            body = Markup("%s<br/>%s") % (body, self.note)
        if self.move_id:
            self.move_id.write({"credit_promise_date": self.promise_date, "credit_promise_amount": self.promise_amount})
            self.move_id.message_post(body=body)
        else:
            partner = self.partner_id.sudo().with_company(self.company_id)
            partner.write(
                {
                    "credit_promise_date": self.promise_date,
                    "credit_promise_amount": self.promise_amount,
                    "credit_promise_since": fields.Date.context_today(self),
                }
            )
            partner.message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}

    def action_clear(self):
        """Forget the promise (paid, or replaced by an agreement)."""
        self.ensure_one()
        self._check_user()
        body = _("Promise to pay cleared.")
        if self.move_id:
            self.move_id.write({"credit_promise_date": False, "credit_promise_amount": 0.0})
            self.move_id.message_post(body=body)
        else:
            partner = self.partner_id.sudo().with_company(self.company_id)
            partner.write({"credit_promise_date": False, "credit_promise_amount": 0.0, "credit_promise_since": False})
            partner.message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
