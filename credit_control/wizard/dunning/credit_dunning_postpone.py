from datetime import timedelta

from odoo import fields, models


class CreditDunningPostpone(models.TransientModel):
    """ "Remind me on": the customers of a preview are left out until a date, and the collector
    who postponed them gets an activity on that date."""

    _name = "credit.dunning.postpone"
    _description = "Postpone Dunning"

    communication_ids = fields.Many2many("credit.dunning.communication", string="Communications", required=True)
    date = fields.Date(
        string="Remind Me On",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=7),
        help="The customers are not dunned before this date.",
    )
    note = fields.Text(help="Why, for the reminder.")

    def action_postpone(self):
        self.ensure_one()
        self.communication_ids._postpone(self.date, self.note)
        return {"type": "ir.actions.act_window_close"}
