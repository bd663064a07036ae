from odoo import _, api, fields, models

from ..core.res_partner import CREDIT_READ_GROUPS


class ResPartner(models.Model):
    """The customer's collector (per company), its statement opt-out and its worklist task."""

    _inherit = "res.partner"

    credit_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        domain="[('share', '=', False)]",
        help="Who collects this customer's overdue items in this company; empty: the collection rules decide.",
        prefetch="credit_control",
    )
    credit_statement_opt_out = fields.Boolean(
        string="No Monthly Statement",
        company_dependent=True,
        groups=CREDIT_READ_GROUPS,
        help="Leave this customer out of the monthly statement run.",
        prefetch="credit_control",
    )
    credit_collection_task_count = fields.Integer(
        string="Worklist Tasks",
        compute="_compute_credit_collection_task_count",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )

    @api.depends_context("company")
    def _compute_credit_collection_task_count(self):
        groups = self.env["credit.collection.task"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.credit_collection_task_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_credit_collection_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_collection_task")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    def action_credit_statement(self):
        """Open the customer's statement of today (open items, aging, payments) as it sees it."""
        self.ensure_one()
        statement = self.env["credit.collection.statement"]._get_or_create(
            self.commercial_partner_id, self.env.company, fields.Date.context_today(self)
        )
        return {
            "type": "ir.actions.act_url",
            "name": _("Statement"),
            "url": statement.get_portal_url(),
            "target": "new",
        }

    def action_credit_send_statement(self):
        """Email the customer its statement of today, with the link to its portal page."""
        self.ensure_one()
        statement = self.env["credit.collection.statement"]._get_or_create(
            self.commercial_partner_id, self.env.company, fields.Date.context_today(self)
        )
        statement._send()
        return True
