from odoo import fields, models


class CreditHoldReleaseRequest(models.TransientModel):
    """The salesperson asks for the release of his hold, with why (required)."""

    _name = "credit.hold.release.request"
    _description = "Credit Hold Release Request"

    hold_id = fields.Many2one("credit.hold", string="Credit Hold", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="hold_id.currency_id")
    amount_total = fields.Monetary(related="hold_id.amount_total", currency_field="currency_id")
    reason_summary = fields.Text(related="hold_id.reason_summary")
    justification = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        self.hold_id._request_release(self.justification)
        return {"type": "ir.actions.act_window_close"}
