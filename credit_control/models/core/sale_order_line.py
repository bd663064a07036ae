from odoo import api, models

# Line fields whose change can raise the order's total.
CREDIT_AMOUNT_FIELDS = {"product_id", "product_uom_qty", "product_uom", "price_unit", "discount", "tax_id"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        # Expense lines are re-invoiced costs added when a vendor bill is posted: the
        # accountant posting it must not be stopped by the customer's credit.
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id") and not vals.get("is_expense")}
        )
        totals_before = orders._credit_amounts_before_edit()
        pending_before = orders._credit_pending_hold_values()
        lines = super().create(vals_list)
        if totals_before:
            lines.order_id._credit_check_upward_edit(totals_before)
        if pending_before:
            orders._credit_refresh_pending_holds(pending_before)
        return lines

    def write(self, vals):
        if not CREDIT_AMOUNT_FIELDS.intersection(vals):
            return super().write(vals)
        orders = self.filtered(lambda line: not line.is_expense).order_id
        totals_before = orders._credit_amounts_before_edit()
        pending_before = orders._credit_pending_hold_values()
        result = super().write(vals)
        if totals_before:
            orders._credit_check_upward_edit(totals_before)
        if pending_before:
            orders._credit_refresh_pending_holds(pending_before)
        return result
