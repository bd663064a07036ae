from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.credit_control.models.core.credit_hold import HOLD_STATES

# Deliveries that passed the credit check in the current transaction (cleared at commit/rollback).
CHECKED_KEY = "credit_control_stock.checked_picking_ids"


class StockPicking(models.Model):
    """The delivery door: an outgoing delivery of a sale order is checked when it is validated.

    Validating from the button holds the delivery of a failing customer (it stays ready, with
    a decision record); a release lets the next validation through. Any other path to a done
    delivery is refused with the reasons. The order is already in the customer's exposure:
    the delivery stands for what the order has left to invoice, so the order counts once.
    Returns (and receipts) are never held.
    """

    _name = "stock.picking"
    _inherit = ["stock.picking", "credit.document.mixin"]
    _credit_hold_field = "picking_id"
    _credit_checkpoint = "delivery"
    _credit_checked_key = CHECKED_KEY

    credit_hold_ids = fields.One2many("credit.hold", "picking_id", string="Credit Holds", readonly=True)
    credit_hold_count = fields.Integer(compute="_compute_credit_hold_count", compute_sudo=True)
    credit_hold_state = fields.Selection(
        HOLD_STATES,
        string="Credit Hold",
        compute="_compute_credit_hold_state",
        store=True,
        compute_sudo=True,
        index="btree_not_null",
        help="State of the delivery's latest credit hold, if it has one.",
    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def button_validate(self):
        """Validate the deliveries that pass the credit rules; hold the others (they stay ready)."""
        held = self._credit_hold_failed()
        to_validate = self - held
        result = super(StockPicking, to_validate).button_validate() if to_validate else True
        if held:
            return held._credit_hold_notification()
        return result

    def _action_done(self):
        # every path to a done delivery is checked; the button above has checked already
        (self._credit_to_check() - self._credit_checked())._credit_ensure_allowed()
        return super()._action_done()

    # ------------------------------------------------------------------
    # credit.document.mixin
    # ------------------------------------------------------------------

    def _credit_to_check(self):
        """Outgoing deliveries of sale orders (never returns) of companies checking deliveries,
        not checked yet in this transaction."""
        checked = self._credit_checked()
        return self.filtered(
            lambda picking: (
                picking.picking_type_code == "outgoing"
                and picking.state not in ("done", "cancel")
                and picking.sale_id
                and not picking.return_id
                and picking.company_id._credit_checks_at("delivery")
                and picking not in checked
            )
        )

    def _credit_prefetch(self):
        self.fetch(["company_id", "sale_id", "picking_type_code", "state", "return_id"])

    def _credit_get_partners(self):
        return {picking: picking.sale_id.credit_partner_id for picking in self}

    def _credit_get_amounts(self):
        orders = self.sale_id
        remaining = self.env["credit.exposure"]._get_order_amounts(orders)
        return {picking: remaining.get(picking.sale_id.id, 0.0) for picking in self}

    def _credit_get_figure_exclusions(self):
        return {"exclude_orders": self.sale_id}

    def _credit_get_passed(self, amounts, facts=None):
        """Released deliveries, and deliveries of orders checked within the grace days for at
        least what they have left to invoice."""
        passed = super()._credit_get_passed(amounts, facts)
        for company, pickings in self.grouped("company_id").items():
            if not company.credit_delivery_grace_days:
                continue
            since = self._credit_grace_start(company.credit_delivery_grace_days)
            checked = self._credit_orders_checked_since(pickings.sale_id, since)
            for picking in pickings:
                order = picking.sale_id
                if (
                    order.id in checked
                    and company.currency_id.compare_amounts(amounts[picking], checked[order.id]) <= 0
                ):
                    passed.add(picking)
        return passed

    def _credit_prepare_hold_values(self, amount):
        order = self.sale_id
        return {
            "amount_total": amount,
            "amount_company": amount,
            "currency_id": self.company_id.currency_id.id,
            "user_id": order.user_id.id,
            "team_id": order.team_id.id,
            "partner_id": order.credit_partner_id.id,
        }

    def _credit_refused_message(self, reasons):
        return _(
            "These deliveries cannot be validated this way: they break the credit rules. Use the Validate "
            "button of the delivery, which puts it on credit hold for a credit manager to review.\n%(reasons)s",
            reasons=reasons,
        )

    def _credit_ensure_releasable(self, hold):
        if self.state in ("done", "cancel"):
            raise UserError(
                _(
                    "Delivery %(delivery)s cannot be let through from hold %(hold)s: it is already done or cancelled.",
                    delivery=self.display_name,
                    hold=hold.name,
                )
            )
        return super()._credit_ensure_releasable(hold)

    def _credit_after_release(self, hold):
        """The warehouse validates the delivery again: it now passes (quantities and backorders
        are the warehouse's decisions, not the credit manager's)."""
        self.message_post(
            body=_("Credit hold %s released: the delivery can be validated.", hold.name),
            subtype_xmlid="mail.mt_note",
            partner_ids=self.user_id.partner_id.ids,
        )
