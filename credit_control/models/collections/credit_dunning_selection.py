from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL


class CreditDunningSelection(models.AbstractModel):
    """Quiet days: a customer reminded less than its policy's quiet days ago is left out."""

    _inherit = "credit.dunning.selection"

    @api.model
    def _select(self, company, run_date):
        selection = super()._select(company, run_date)
        quiet = {
            policy.id: policy.quiet_days
            for policy in self.env["credit.dunning.policy"].sudo().search([("company_id", "=", company.id)])
            if policy.quiet_days > 0
        }
        if not quiet or not selection.decisions:
            return selection
        policy_of = {partner_id: items[0][0].policy_id for partner_id, items in selection.decisions.items() if items}
        partner_ids = [partner_id for partner_id, policy_id in policy_of.items() if policy_id in quiet]
        if not partner_ids:
            return selection
        self.env["credit.dunning.communication"].flush_model(["partner_id", "company_id", "state", "date"])
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, MAX(date) FROM credit_dunning_communication
             WHERE company_id = %(company_id)s AND partner_id = ANY(%(partner_ids)s) AND state = 'sent'
          GROUP BY partner_id
            """,
                company_id=company.id,
                partner_ids=partner_ids,
            )
        )
        for partner_id, last_date in self.env.cr.fetchall():
            if last_date and last_date > run_date - timedelta(days=quiet[policy_of[partner_id]]):
                selection.decisions.pop(partner_id, None)
        return selection
