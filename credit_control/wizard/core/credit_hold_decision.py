from odoo import fields, models


class CreditHoldDecision(models.TransientModel):
    """Asks the credit manager for the reason of a release or a rejection."""

    _name = "credit.hold.decision"
    _description = "Credit Hold Decision"

    hold_ids = fields.Many2many("credit.hold", string="Credit Holds", required=True)
    decision = fields.Selection(
        [("release", "Release and confirm the order"), ("reject", "Reject")],
        required=True,
        default="release",
    )
    reason = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        if self.decision == "release":
            self.hold_ids._release(self.reason)
        else:
            self.hold_ids._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
