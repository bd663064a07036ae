from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


class AccountPartialReconcile(models.Model):
    """A payment reconciled: evaluate the customers' promises and refresh their worklist tasks."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._credit_collection_update()
        return partials

    def _credit_collection_update(self):
        """One query finds the commercial partners of the receivable items touched; then, per
        company, their promises are evaluated and their tasks refreshed (set-based)."""
        if not self:
            return
        self.env["account.move.line"].flush_model(["partner_id", "account_id", "company_id"])
        self.flush_recordset(["debit_move_id", "credit_move_id"])
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT aml.company_id, p.commercial_partner_id
              FROM account_partial_reconcile apr
              JOIN account_move_line aml ON aml.id IN (apr.debit_move_id, apr.credit_move_id)
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE apr.id = ANY(%s)
            """,
                self.ids,
            )
        )
        by_company = defaultdict(set)
        for company_id, partner_id in self.env.cr.fetchall():
            if partner_id:
                by_company[company_id].add(partner_id)
        if not by_company:
            return
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].sudo().browse(list(by_company)):
            partner_ids = list(by_company[company.id])
            self.env["credit.promise"].sudo().with_company(company)._evaluate(company, today, partner_ids)
            self.env["credit.collection.task"].sudo().with_company(company)._refresh(company, partner_ids, today=today)
