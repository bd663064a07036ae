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
                hold_ids = [
                    hold_id for command in hold_ids for hold_id in (command[2] if command[0] == 6 else [command[1]])
                ]
            holds = self.env["credit.hold"].browse(hold_ids)
            values["reason"] = self.env["credit.hold"]._get_release_reason_default(holds)
        return values

    @api.model
    def _credit_hold_ids(self, value):
        """The ids of a many2many default: plain ids, or (6, 0, ids) / (4, id) commands."""
        hold_ids = []
        for item in value or self.env.context.get("default_hold_ids") or []:
            if isinstance(item, int):
                hold_ids.append(item)
            elif item[0] == 6:
                hold_ids += list(item[2])
            elif item[0] == 4:
                hold_ids.append(item[1])
        return hold_ids
