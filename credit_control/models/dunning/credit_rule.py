from odoo import _, api, models
from odoo.tools import SQL


class CreditRule(models.AbstractModel):
    """Dunning's rule: a level that holds keeps the customer's orders on hold while its items are unpaid."""

    _inherit = "credit.rule"

    @api.model
    def _get_rules(self):
        return super()._get_rules() + [
            ("dunning", _("Dunning level with credit hold"), "_rule_dunning"),
        ]

    @api.model
    def _get_fact_queries(self, partner_ids, company, today):
        levels = self.env["credit.dunning.line"].sudo()._open_levels_sql(company, partner_ids)
        return super()._get_fact_queries(partner_ids, company, today) + [
            SQL(
                """
            SELECT l.partner_id, jsonb_build_object('dunning_hold_level_id', l.level_id)
              FROM (%s) AS l (partner_id, level_id, rank, holds)
             WHERE l.holds
                """,
                levels,
            )
        ]

    @api.model
    def _get_blocked_partner_ids(self, partners, company, today):
        blocked = super()._get_blocked_partner_ids(partners, company, today)
        levels = self.env["credit.dunning.line"].sudo()._open_levels(company, partners.ids)
        return blocked | {partner_id for partner_id, (_level, _rank, holds) in levels.items() if holds}

    def _rule_dunning(self, check):
        """Customers sent a dunning level that holds (or a later one) while those items are unpaid."""
        level_id = check.facts.get("dunning_hold_level_id")
        if not level_id:
            return None
        return {"params": {"partner": check.partner.display_name, "level_id": level_id}}

    def _message_dunning(self, params):
        level = self.env["credit.dunning.level"].sudo().browse(params["level_id"]).exists()
        return _(
            "%(partner)s received the dunning level %(level)s: orders are held until its overdue items are paid.",
            partner=params["partner"],
            level=level.name or "",
        )
