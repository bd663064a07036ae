from odoo import _, api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._credit_reevaluate_holds()
        return partials

    def _credit_reevaluate_holds(self):
        """A customer paid: its pending holds are checked again (released when they pass)."""
        lines = (self.debit_move_id | self.credit_move_id).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and line.partner_id
        )
        if not lines:
            return
        holds = self.env["credit.hold"].sudo()
        for company, company_lines in lines.grouped("company_id").items():
            if not company.credit_hold_enabled:
                continue
            partners = company_lines.partner_id.commercial_partner_id
            if not holds._pending_partner_ids(partners, company):
                continue
            paid = company_lines.filtered(lambda line: line.balance > 0).move_id
            holds.with_company(company)._reevaluate_pending(
                partners,
                company,
                _("payment reconciled with %(documents)s", documents=", ".join(paid.mapped("name")) or "-"),
            )
