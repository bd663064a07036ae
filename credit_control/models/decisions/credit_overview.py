from odoo import _, api, models

from ..core.credit_overview import SCOPE_MINE


class CreditOverview(models.AbstractModel):
    _inherit = "credit.overview"

    @api.model
    def _get_overview_cards(self, scope):
        cards = super()._get_overview_cards(scope)
        if self._overview_can_read("credit.limit.request"):
            cards.append(self._overview_card_limit_requests(scope))
        return cards

    def _overview_card_limit_requests(self, scope):
        """Limit requests submitted and waiting for their tiers' approval."""
        domain = [("company_id", "=", self.env.company.id), ("state", "=", "to_approve")]
        if scope == SCOPE_MINE:
            domain += ["|", ("requested_by_id", "=", self.env.uid), ("user_id", "=", self.env.uid)]
        return self._overview_list_card(
            "limit_requests",
            _("Limit Requests Waiting"),
            "credit.limit.request",
            domain,
            "approval_amount",
            "credit_control.action_credit_limit_request",
            45,
            _("Amount to Approve"),
            by_count=True,
        )
