from odoo import api, fields, models

from .credit_collection_task import OUTCOMES


class CreditCollectionContact(models.Model):
    """One contact with a customer about its overdue items: the evidence of the collection.

    Logged from the worklist task (``credit.collection.log.contact``); kept as history, also in
    the customer's chatter. A promise or dispute outcome links the record it created.
    """

    _name = "credit.collection.contact"
    _description = "Collection Contact"
    _order = "date desc, id desc"
    _check_company_auto = True

    task_id = fields.Many2one("credit.collection.task", readonly=True, index=True, ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Logged By", required=True, readonly=True, index=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    outcome = fields.Selection(OUTCOMES, required=True, readonly=True)
    note = fields.Text(readonly=True)
    next_action_date = fields.Date(readonly=True)
    promise_id = fields.Many2one("credit.promise", readonly=True, ondelete="set null")
    dispute_move_id = fields.Many2one("account.move", string="Disputed Invoice", readonly=True)
    role = fields.Selection(related="task_id.role", string="Role at the Time")

    @api.model
    def _outcome_label(self, outcome):
        return dict(self._fields["outcome"]._description_selection(self.env)).get(outcome, outcome)
