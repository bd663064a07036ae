from odoo import _, api, fields, models

from ..core.credit_overview import SCOPE_MINE


class CreditOverview(models.AbstractModel):
    _inherit = "credit.overview"

    @api.model
    def _get_overview_cards(self, scope):
        cards = super()._get_overview_cards(scope)
        if self._overview_can_read("credit.collection.task"):
            cards.append(self._overview_card_collection_tasks(scope))
        return cards

    def _overview_card_collection_tasks(self, scope):
        """Open worklist tasks whose next action is due (or not planned yet)."""
        today = fields.Date.to_string(self._overview_today())
        domain = [
            ("company_id", "=", self.env.company.id),
            ("state", "=", "open"),
            "|",
            ("next_action_date", "=", False),
            ("next_action_date", "<=", today),
        ]
        if scope == SCOPE_MINE:
            domain += ["|", ("user_id", "=", self.env.uid), ("partner_id.user_id", "=", self.env.uid)]
        return self._overview_list_card(
            "collection_tasks",
            _("Collection Tasks Waiting"),
            "credit.collection.task",
            domain,
            "amount_overdue",
            "credit_control.action_credit_collection_task",
            57,
            _("Tasks"),
        )
