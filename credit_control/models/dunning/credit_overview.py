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
        [(count, amount)] = self.env["credit.dunning.communication"]._read_group(
            domain, [], ["__count", "amount_due:sum"]
        )
        return self._overview_card(
            "reminders_due",
            _("Reminders Due Today"),
            count,
            value_type="integer",
            count=count,
            sequence=55,
            tone="warning" if count else "success",
            action=self._overview_action(
                _("Reminders Due Today"),
                "credit.dunning.communication",
                domain,
                xmlid="credit_control.action_credit_dunning_communication",
            ),
            details=[{"label": _("Amount Due"), "value": amount or 0.0, "value_type": "monetary"}],
        )

    def _overview_card_promises(self):
        """Open promises to pay whose date has come: check the payment or call the customer."""
        today = fields.Date.to_string(self._overview_today())
        domain = [("company_id", "=", self.env.company.id), ("state", "=", "open"), ("date", "<=", today)]
        [(count, amount)] = self.env["credit.promise"]._read_group(domain, [], ["__count", "amount:sum"])
        return self._overview_card(
            "promises_due",
            _("Promises Due"),
            amount or 0.0,
            count=count,
            measure="amount",
            sequence=58,
            action=self._overview_action(
                _("Promises Due"), "credit.promise", domain, xmlid="credit_control.action_credit_promise"
            ),
            details=[{"label": _("Promises"), "value": count, "value_type": "integer"}],
        )
