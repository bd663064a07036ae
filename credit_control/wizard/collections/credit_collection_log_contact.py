from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ...lib.collections import next_action_date
from ...models.collections.credit_collection_task import OUTCOMES


class CreditCollectionLogContact(models.TransientModel):
    """Log a contact from the worklist task in one dialog: outcome, note, next action date.

    A promise outcome records the promise to pay (on the customer or on one invoice), a dispute
    outcome pauses the dunning of the invoice (or of the customer); a refusal moves the task up
    one role. The contact is kept and said in the customer's chatter.
    """

    _name = "credit.collection.log.contact"
    _description = "Log a Collection Contact"

    task_id = fields.Many2one("credit.collection.task", required=True, readonly=True)
    partner_id = fields.Many2one(related="task_id.partner_id")
    company_id = fields.Many2one(related="task_id.company_id")
    currency_id = fields.Many2one(related="task_id.currency_id")
    amount_overdue = fields.Monetary(related="task_id.amount_overdue")
    outcome = fields.Selection(OUTCOMES, required=True, default="reached")
    note = fields.Text()
    next_action_date = fields.Date(compute="_compute_next_action_date", store=True, readonly=False)
    promise_amount = fields.Monetary(
        compute="_compute_promise_amount", store=True, readonly=False, currency_field="currency_id"
    )
    promise_date = fields.Date(default=lambda self: fields.Date.context_today(self))
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', 'in', ('out_invoice', 'out_receipt')), "
        "('state', '=', 'posted'), ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
        help="The invoice promised or disputed; empty: the customer as a whole.",
    )

    @api.depends("outcome", "promise_date")
    def _compute_next_action_date(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.next_action_date = next_action_date(wizard.outcome, today, wizard.promise_date)

    @api.depends("task_id", "move_id")
    def _compute_promise_amount(self):
        for wizard in self:
            wizard.promise_amount = wizard.move_id.amount_residual if wizard.move_id else wizard.amount_overdue

    def action_log(self):
        self.ensure_one()
        task = self.task_id
        if task.state != "open":
            raise UserError(_("This worklist task is closed: the customer is no longer overdue."))
        if self.move_id and self.move_id.currency_id != task.currency_id and self.outcome == "promise":
            currency = self.move_id.currency_id
        else:
            currency = task.currency_id
        contact = (
            self.env["credit.collection.contact"]
            .sudo()
            .create(
                {
                    "task_id": task.id,
                    "partner_id": task.partner_id.id,
                    "company_id": task.company_id.id,
                    "user_id": self.env.user.id,
                    "outcome": self.outcome,
                    "note": self.note,
                    "next_action_date": self.next_action_date,
                    "dispute_move_id": self.move_id.id if self.outcome == "dispute" else False,
                }
            )
        )
        detail = ""
        if self.outcome == "promise":
            promise = self._record_promise(contact)
            detail = _(
                "Promise to pay %(amount)s by %(date)s.",
                amount=formatLang(self.env, promise.amount, currency_obj=currency),
                date=fields.Date.to_string(promise.date),
            )
        elif self.outcome == "dispute":
            self._record_dispute()
            detail = _(
                "Dunning paused: %(document)s disputed.", document=self.move_id.name or task.partner_id.display_name
            )
        task.sudo().write(
            {
                "last_contact_date": fields.Date.context_today(self),
                "last_outcome": self.outcome,
                "next_action_date": self.next_action_date,
            }
        )
        if self.outcome == "refused":
            task.sudo()._escalate(task.company_id, task.partner_id.ids)
            task.sudo().with_company(task.company_id)._refresh(task.company_id, task.partner_id.ids)
        self._post_contact(contact, detail)
        return {"type": "ir.actions.act_window_close"}

    def _record_promise(self, contact):
        if self.promise_amount <= 0:
            raise UserError(_("Enter the promised amount."))
        promise = (
            self.env["credit.promise"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "move_id": self.move_id.id,
                    "company_id": self.company_id.id,
                    "date": self.promise_date,
                    "amount": self.promise_amount,
                    "note": self.note,
                    "user_id": self.env.user.id,
                    "contact_id": contact.id,
                }
            )
        )
        contact.promise_id = promise
        return promise

    def _record_dispute(self):
        if self.move_id:
            self.move_id.sudo().credit_dunning_dispute = True
        else:
            self.partner_id.sudo().with_company(self.company_id).credit_dunning_dispute = True

    def _post_contact(self, contact, detail):
        """The contact in the customer's chatter and the task's, as a note."""
        body = Markup("<p>%s</p>") % _(
            "Collection contact by %(user)s: %(outcome)s.",
            user=self.env.user.name,
            outcome=contact._outcome_label(contact.outcome),
        )
        if detail:
            body += Markup("<p>%s</p>") % detail
        if self.note:
            body += Markup("<p>%s</p>") % escape(self.note)
        if self.next_action_date:
            body += Markup("<p>%s</p>") % _("Next action: %(date)s", date=fields.Date.to_string(self.next_action_date))
        self.partner_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        self.task_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
