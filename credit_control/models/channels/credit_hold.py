from odoo import api, models


class CreditHold(models.Model):
    _inherit = "credit.hold"

    @api.model_create_multi
    def create(self, vals_list):
        """Tell the credit team's robots of each new hold (outbox rows, sent after commit)."""
        holds = super().create(vals_list)
        for company, company_holds in holds.grouped("company_id").items():
            self.env["credit.channel.message"]._enqueue("hold_created", company, company_holds)
        return holds

    def _release(self, reason):
        res = super()._release(reason)
        self._enqueue_decided()
        return res

    def _reject(self, reason):
        res = super()._reject(reason)
        self._enqueue_decided()
        return res

    def _enqueue_decided(self):
        for company, holds in self.grouped("company_id").items():
            self.env["credit.channel.message"]._enqueue("hold_decided", company, holds)
