from odoo import api, models


class CreditHoldDecision(models.TransientModel):
    """The decision is the button the manager clicked (Release or Reject): the dialog asks only the
    reason, offered from the salesperson's justification when he asked for the release."""

    _inherit = "credit.hold.decision"

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "reason" in fields_list and not values.get("reason") and values.get("decision", "release") == "release":
            hold_ids = values.get("hold_ids") or self.env.context.get("default_hold_ids") or []
            if hold_ids and isinstance(hold_ids[0], (list, tuple)):
                hold_ids = [hold_id for command in hold_ids for hold_id in (command[2] if command[0] == 6 else [command[1]])]
            holds = self.env["credit.hold"].browse(hold_ids)
            values["reason"] = self.env["credit.hold"]._get_release_reason_default(holds)
        return values
