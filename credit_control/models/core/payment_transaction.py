from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """Only report the orders really confirmed: a credit hold keeps some quotations."""
        return super()._check_amount_and_confirm_order().filtered(lambda order: order.state == "sale")
