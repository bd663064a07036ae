from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..core.res_partner import CREDIT_READ_GROUPS


class ResPartner(models.Model):
    """Dunning of a customer: its policy, the level reached, disputes and promises."""

    _inherit = "res.partner"

    credit_dunning_policy_id = fields.Many2one(
        "credit.dunning.policy",
        string="Dunning Policy",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        domain="[('company_id', 'in', allowed_company_ids)]",
        help="How this customer is reminded of overdue items; empty: the company's default policy.",
        prefetch="credit_control",
    )
    credit_dunning_dispute = fields.Boolean(
        string="Dunning Paused (Dispute)",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="The customer disputes its items: no dunning until this is cleared.",
        prefetch="credit_control",
    )
    credit_dunning_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Dunning Level",
        compute="_compute_credit_dunning_level",
        groups=CREDIT_READ_GROUPS,
        help="Highest dunning level sent for items still unpaid.",
        prefetch="credit_control",
    )
    credit_dunning_level_rank = fields.Integer(
        string="Dunning Level Rank",
        compute="_compute_credit_dunning_level",
        search="_search_credit_dunning_level_rank",
        groups=CREDIT_READ_GROUPS,
        help="Position of the current dunning level in its policy (1 = first level, 0 = none).",
        prefetch="credit_control",
    )
    credit_dunning_hold_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Held by Dunning Level",
        compute="_compute_credit_dunning_level",
        groups=CREDIT_READ_GROUPS,
        help="The dunning level that puts this customer's orders on credit hold.",
        prefetch="credit_control",
    )
    credit_dunning_count = fields.Integer(
        string="Dunning Communications",
        compute="_compute_credit_dunning_count",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_promise_count = fields.Integer(
        string="Promises to Pay",
        compute="_compute_credit_promise_count",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends_context("company")
    def _compute_credit_dunning_level(self):
        commercials = self.commercial_partner_id._origin.filtered("id")
        levels = self.env["credit.dunning.line"].sudo()._open_levels(self.env.company, commercials.ids)
        level_model = self.env["credit.dunning.level"]
        for partner in self:
            level_id, rank, holds = levels.get(partner.commercial_partner_id._origin.id, (False, 0, False))
            partner.credit_dunning_level_id = level_model.browse(level_id)
            partner.credit_dunning_level_rank = rank
            partner.credit_dunning_hold_level_id = level_model.browse(level_id if holds else False)

    def _search_credit_dunning_level_rank(self, operator, value):
        """Customers at a dunning level: ``('credit_dunning_level_rank', '>=', 3)``."""
        comparisons = {
            "=": lambda rank: rank == value,
            "!=": lambda rank: rank != value,
            ">": lambda rank: rank > value,
            ">=": lambda rank: rank >= value,
            "<": lambda rank: rank < value,
            "<=": lambda rank: rank <= value,
        }
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if operator not in comparisons or value is None:
            raise UserError(
                _("Unsupported search on the dunning level: %(operator)s %(value)s", operator=operator, value=value)
            )
        matches = comparisons[operator]
        ranks = self.env["credit.dunning.line"].sudo()._open_levels(self.env.company)
        if matches(0):
            others = [partner_id for partner_id, (_level, rank, _hold) in ranks.items() if not matches(rank)]
            return [("commercial_partner_id", "not in", others)]
        return [("commercial_partner_id", "in", [pid for pid, (_level, rank, _hold) in ranks.items() if matches(rank)])]

    def _compute_credit_dunning_count(self):
        counts = self._credit_count_per_commercial(
            "credit.dunning.communication", [("company_id", "=", self.env.company.id)]
        )
        for partner in self:
            partner.credit_dunning_count = counts.get(partner.commercial_partner_id._origin.id, 0)

    @api.depends_context("company")
    def _compute_credit_promise_count(self):
        counts = self._credit_count_per_commercial("credit.promise", [("company_id", "=", self.env.company.id)])
        for partner in self:
            partner.credit_promise_count = counts.get(partner.commercial_partner_id._origin.id, 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_credit_dunning(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_dunning_communication")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    def action_view_credit_promises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_promise")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    def action_credit_record_promise(self):
        self.ensure_one()
        return self.env["credit.dunning.promise"]._open_for(partner=self.commercial_partner_id)
