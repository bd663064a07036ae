from odoo import api, models


class CreditPromise(models.Model):
    _inherit = "credit.promise"

    @api.model
    def _evaluate(self, company, on_date, partner_ids=None, account_ids=None):
        """Promises broken now (by the dunning run or a reconciliation) are told to the robots
        subscribed to broken promises."""
        broken_ids = super()._evaluate(company, on_date, partner_ids=partner_ids, account_ids=account_ids)
        if broken_ids:
            self.env["credit.channel.message"]._enqueue("broken_promise", company, self.browse(broken_ids))
        return broken_ids
