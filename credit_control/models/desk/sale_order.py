from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .res_partner import SIGNAL_STATES


class SaleOrder(models.Model):
    """The credit signal of quotations: a quotation is judged with its amount as its confirmation
    would judge it (one evaluation with the figures of the form); a held order shows its hold."""

    _inherit = "sale.order"

    credit_signal_state = fields.Selection(
        SIGNAL_STATES,
        string="Credit Signal",
        compute="_compute_credit_figures",
        compute_sudo=True,
        help="Whether confirming this quotation would pass the credit rules (empty once confirmed).",
    )
    credit_signal_reasons = fields.Text(
        string="Why",
        compute="_compute_credit_figures",
        compute_sudo=True,
    )
    credit_pending_hold_id = fields.Many2one(
        "credit.hold",
        string="Pending Credit Hold",
        compute="_compute_credit_pending_hold_id",
        help="The hold this quotation waits on.",
    )
    credit_release_requested = fields.Boolean(
        string="Release Requested",
        compute="_compute_credit_pending_hold_id",
        help="The salesperson asked the credit managers to release this hold.",
    )

    @api.depends("partner_invoice_id", "company_id", "amount_total", "currency_rate", "state", "credit_hold_state")
    def _compute_credit_figures(self):
        self.credit_signal_state = False
        self.credit_signal_reasons = False
        result = super()._compute_credit_figures()
        held = self.filtered(lambda order: order.credit_hold_state == "pending" and order.state in ("draft", "sent"))
        for order in held:
            hold = order.sudo().credit_hold_ids.filtered(lambda h: h.state == "pending")[:1]
            order.credit_signal_state = "blocked"
            order.credit_signal_reasons = hold.reason_summary or order.credit_signal_reasons
        return result

    # through credit_hold_ids (whose inverse order_id is stored): a hold's change finds its orders
    @api.depends("credit_hold_state", "credit_hold_ids.state", "credit_hold_ids.release_requested")
    def _compute_credit_pending_hold_id(self):
        for order in self:
            hold = order.credit_hold_ids.filtered(lambda hold: hold.state == "pending")[:1]
            order.credit_pending_hold_id = hold
            order.credit_release_requested = hold.release_requested

    def _credit_show_check_results(self, results, warnings):
        result = super()._credit_show_check_results(results, warnings)
        for order in self:
            order.credit_signal_state, order.credit_signal_reasons = self.env["res.partner"]._credit_signal_of(
                results.get(order, []), warnings.get(order, [])
            )
        return result

    def action_credit_request_release(self):
        """The salesperson asks the credit managers to release the hold of his quotation."""
        self.ensure_one()
        if not self.credit_pending_hold_id:
            raise UserError(_("%s waits on no credit hold.", self.display_name))
        return self.credit_pending_hold_id.action_request_release()
