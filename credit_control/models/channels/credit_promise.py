from odoo import api, models


class CreditPromise(models.Model):
    _inherit = "credit.promise"

    @api.model
    def _settle(self, company, on_date, account_ids):
        """Promises broken now are told to the robots subscribed to broken promises."""
        broken_ids = super()._settle(company, on_date, account_ids)
        if broken_ids:
            self.env["credit.channel.message"]._enqueue("broken_promise", company, self.browse(broken_ids))
        return broken_ids
