from odoo import _, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_request_credit(self):
        """Request more credit from a held quotation: the request is linked to its pending hold."""
        self.ensure_one()
        hold = self.sudo().credit_hold_ids.filtered(lambda h: h.state == "pending")[:1]
        if not hold:
            raise UserError(_("%s is not on credit hold.", self.name))
        return hold.with_env(self.env).action_request_credit()
