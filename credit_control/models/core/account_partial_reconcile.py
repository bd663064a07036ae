from collections import defaultdict

from odoo import _, api, models
from odoo.tools import SQL


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._credit_after_reconcile(partials._credit_receivable_partner_ids())
        return partials

    def _credit_receivable_partner_ids(self):
        """{company: set of commercial partner ids} of the receivable items these partials
        reconcile (one query): what a payment changes in the customers' credit."""
        if not self:
            return {}
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
        companies = self.env["res.company"].sudo().browse(list(by_company))
        return {company: by_company[company.id] for company in companies}

    def _credit_after_reconcile(self, partner_ids_by_company):
        """A customer paid: features act on the customers of ``partner_ids_by_company`` with
        ``super()``; the core checks their pending holds again (released when they pass)."""
        holds = self.env["credit.hold"].sudo()
        for company, partner_ids in partner_ids_by_company.items():
            if not company.credit_hold_enabled:
                continue
            partners = self.env["res.partner"].browse(partner_ids)
            if not holds._pending_partner_ids(partners, company):
                continue
            lines = (self.debit_move_id | self.credit_move_id).filtered(
                lambda line, company=company: line.company_id == company and line.balance > 0
            )
            holds.with_company(company)._reevaluate_pending(
                partners,
                company,
                _("payment reconciled with %(documents)s", documents=", ".join(lines.move_id.mapped("name")) or "-"),
            )
