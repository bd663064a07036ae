from odoo import _, api, fields, models

from ..core.credit_overview import SCOPE_MINE


class CreditOverview(models.AbstractModel):
    _inherit = "credit.overview"

    @api.model
    def _get_overview_cards(self, scope):
        cards = super()._get_overview_cards(scope)
        if scope != SCOPE_MINE and self._overview_can_read("credit.dunning.communication"):
            cards.append(self._overview_card_reminders())
        if scope != SCOPE_MINE and self._overview_can_read("credit.promise"):
            cards.append(self._overview_card_promises())
        return cards

    def _overview_card_reminders(self):
        """Reminders written by the runs and due by today, still to send (drafts, failed ones retried)."""
        today = fields.Date.to_string(self._overview_today())
        domain = [
            ("company_id", "=", self.env.company.id),
            ("state", "in", ("draft", "failed")),
            ("date", "<=", today),
        ]
        return self._overview_list_card(
            "reminders_due",
            _("Reminders Due Today"),
            "credit.dunning.communication",
            domain,
            "amount_due",
            "credit_control.action_credit_dunning_communication",
            55,
            _("Amount Due"),
            by_count=True,
        )

    def _overview_card_promises(self):
        """Open promises to pay whose date has come: check the payment or call the customer."""
        today = fields.Date.to_string(self._overview_today())
        domain = [("company_id", "=", self.env.company.id), ("state", "=", "open"), ("date", "<=", today)]
        return self._overview_list_card(
            "promises_due",
            _("Promises Due"),
            "credit.promise",
            domain,
            "amount",
            "credit_control.action_credit_promise",
            58,
            _("Promises"),
        )
