from odoo import _, api, models

from ..core.credit_overview import SCOPE_MINE


class CreditOverview(models.AbstractModel):
    _inherit = "credit.overview"

    @api.model
    def _get_overview_cards(self, scope):
        cards = super()._get_overview_cards(scope)
        if self._overview_can_read("credit.score"):
            cards.append(self._overview_card_grades(scope))
        return cards

    def _overview_card_grades(self, scope):
        """How many customers are in each grade now (their current score), one grouped query."""
        domain = [("is_current", "=", True), ("company_id", "=", self.env.company.id)]
        if scope == SCOPE_MINE:
            domain.append(("partner_id.user_id", "=", self.env.uid))
        items = []
        total = 0
        for grade, count in self.env["credit.score"]._read_group(domain, ["grade"], ["__count"], order="grade"):
            total += count
            items.append(
                {
                    "label": grade or _("No Grade"),
                    "value": count,
                    "value_type": "integer",
                    "action": self._overview_action(
                        _("Customers of Grade %s", grade or _("No Grade")),
                        "credit.score",
                        domain + [("grade", "=", grade)],
                        xmlid="credit_control.action_credit_score",
                    ),
                }
            )
        return self._overview_card(
            "grades",
            _("Grade Distribution"),
            total,
            value_type="integer",
            count=total,
            sequence=70,
            layout="bars",
            action=self._overview_action(
                _("Current Credit Scores"), "credit.score", domain, xmlid="credit_control.action_credit_score"
            ),
            items=items,
        )
