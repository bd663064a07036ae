from odoo import api, models
from odoo.tools import SQL


class SaleOrder(models.Model):
    """A new customer's first order queues its registry check."""

    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._credit_registry_queue_new_customers()
        return orders

    def _credit_registry_queue_new_customers(self):
        """The first order of a new customer queues its registry check and triggers the refresh,
        which runs in the background: creating an order never waits on a registry."""
        providers = self.env["credit.registry.provider"]._enabled_providers()
        partners = self.partner_id.commercial_partner_id
        if not providers or not partners:
            return
        self.flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["credit.registry.snapshot"].flush_model(["partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id = ANY(%(partners)s) AND so.id != ALL(%(orders)s)
                 UNION
                SELECT partner_id FROM credit_registry_snapshot WHERE partner_id = ANY(%(partners)s)
                """,
                partners=partners.ids,
                orders=self.ids,
            )
        )
        known = {row[0] for row in self.env.cr.fetchall()}
        new_customers = partners.filtered(lambda partner: partner.id not in known)
        if new_customers:
            self.env["credit.registry.fetcher"]._queue_partners(new_customers)
