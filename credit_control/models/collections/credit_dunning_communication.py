from markupsafe import Markup

from odoo import models


class CreditDunningCommunication(models.Model):
    """Escalation by role for the activities, and the pay-now link in the reminder emails."""

    _inherit = "credit.dunning.communication"

    def _responsible_user(self, level):
        target = level.escalation_target
        if target not in ("collector", "finance_manager", "general_manager"):
            return super()._responsible_user(level)
        company = self.company_id
        first_manager = self._first_credit_manager()
        finance = company.credit_collection_finance_manager_id or first_manager
        if target == "collector":
            user = self.partner_id.with_company(company).sudo().credit_collector_id or finance
        elif target == "finance_manager":
            user = finance
        else:
            user = company.credit_collection_general_manager_id or finance
        if not user or not user.active or user.share:
            user = self.policy_id.accountant_id or self.run_id.user_id
        if not user or user._is_superuser() or not user.active:
            user = self.env.ref("base.user_admin")
        return user

    def _send_email(self, level, recipient, pdfs=None):
        vals = super()._send_email(level, recipient, pdfs=pdfs)
        mail = self.env["mail.mail"].sudo().browse(vals.get("mail_id"))
        if mail:
            block = self.env["credit.collection.statement"]._pay_now_block(self.partner_id, self.company_id, self.date)
            if block:
                mail.body_html = Markup("%s%s") % (Markup(mail.body_html or ""), block)
        return vals
