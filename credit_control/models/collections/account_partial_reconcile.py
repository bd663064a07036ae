from odoo import fields, models


class AccountPartialReconcile(models.Model):
    """A payment reconciled: evaluate the customers' promises and refresh their worklist tasks."""

    _inherit = "account.partial.reconcile"

    def _credit_after_reconcile(self, partner_ids_by_company):
        """Promises evaluated and tasks refreshed (set-based) before the holds are checked again."""
        today = fields.Date.context_today(self)
        for company, partner_ids in partner_ids_by_company.items():
            partner_ids = list(partner_ids)
            self.env["credit.promise"].sudo().with_company(company)._evaluate(company, today, partner_ids)
            self.env["credit.collection.task"].sudo().with_company(company)._refresh(company, partner_ids, today=today)
        return super()._credit_after_reconcile(partner_ids_by_company)
