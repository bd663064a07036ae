from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.credit_control.tests.common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control_stock")
class TestDeliveryCheckpoint(CreditControlCommon):
    """Validating the delivery of a customer who fell behind is held like a confirmation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"credit_check_delivery": True, "credit_delivery_grace_days": 0})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.goods = cls._create_product(name="Crate", lst_price=100.0, taxes_id=[Command.clear()], is_storable=True)
        cls.env["stock.quant"]._update_available_quantity(cls.goods, cls.warehouse.lot_stock_id, 100.0)

    def confirmed_order(self, qty=8.0):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.goods.id, "product_uom_qty": qty, "price_unit": 100.0, "tax_id": []}
                    )
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        picking = order.picking_ids
        self.assertEqual(picking.state, "assigned")
        picking.move_ids.quantity = qty
        return order, picking

    def test_delivery_of_a_customer_on_manual_hold_is_held(self):
        _order, picking = self.confirmed_order()
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        action = picking.button_validate()

        self.assertEqual(action["params"]["title"], "Credit hold")
        self.assertEqual(picking.state, "assigned", "the delivery stays ready")
        hold = picking.credit_hold_ids
        self.assertRecordValues(
            hold,
            [
                {
                    "checkpoint": "delivery",
                    "picking_id": picking.id,
                    "order_id": False,
                    "partner_id": self.customer.id,
                    "amount_company": 800.0,
                    "user_id": self.salesman.id,
                    "state": "pending",
                }
            ],
        )
        self.assertEqual(hold.reason_ids.mapped("rule"), ["manual_hold"])
        self.assertIn(
            "Delivery validation of %s is on credit hold %s" % (picking.name, hold.name), picking.message_ids[0].body
        )
        self.assertEqual(picking.credit_hold_state, "pending")

        hold.with_user(self.credit_manager)._release("Customer called, paying tomorrow")
        self.assertEqual(hold.state, "released")
        self.assertEqual(picking.state, "assigned", "the warehouse validates it")
        picking.button_validate()
        self.assertEqual(picking.state, "done", "the released delivery goes through")

    def test_delivery_within_the_limit_passes(self):
        _order, picking = self.confirmed_order(qty=8.0)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.credit_hold_ids)

    def test_over_limit_delivery_counts_the_order_once(self):
        _order, picking = self.confirmed_order(qty=8.0)
        self.create_invoice(self.customer, 300.0)  # exposure now 800 + 300 > 1,000
        picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        reason = picking.credit_hold_ids.reason_ids
        self.assertEqual(reason.rule, "credit_limit")
        self.assertEqual(
            reason.message,
            "Exposure $\xa0300.00 including this document $\xa0800.00 exceeds the credit limit $\xa01,000.00 "
            "by $\xa0100.00.",
        )

    def test_reject_keeps_the_delivery_ready(self):
        _order, picking = self.confirmed_order()
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        picking.button_validate()
        picking.credit_hold_ids.with_user(self.credit_manager)._reject("Wait for payment")
        self.assertEqual(picking.credit_hold_state, "rejected")
        picking.button_validate()
        self.assertEqual(picking.state, "assigned", "a rejected hold lets nothing through: a new hold")
        self.assertEqual(len(picking.credit_hold_ids), 2)

    def test_grace_days(self):
        self.company.credit_delivery_grace_days = 3
        _order, picking = self.confirmed_order()
        order2, picking2 = self.confirmed_order(qty=1.0)
        order2.sudo().credit_checked_date = fields.Datetime.now() - timedelta(days=4)
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        picking.button_validate()
        self.assertEqual(picking.state, "done", "the order passed 0 days ago, within 3 grace days")
        picking2.button_validate()
        self.assertEqual(picking2.state, "assigned", "checked 4 days ago: beyond the 3 grace days")
        self.assertEqual(picking2.credit_hold_ids.reason_ids.mapped("rule"), ["manual_hold"])

    def test_return_never_held(self):
        _order, picking = self.confirmed_order()
        picking.button_validate()
        self.customer.write({"credit_blacklisted": True, "credit_blacklist_reason": "Fraud"})
        wizard = Form(self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking"))
        wizard = wizard.save()
        wizard.product_return_moves.quantity = 2.0
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        returned.move_ids.quantity = 2.0
        returned.button_validate()
        self.assertEqual(returned.state, "done")
        self.assertFalse(returned.credit_hold_ids)

    def test_other_paths_refused(self):
        _order, picking = self.confirmed_order()
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        with self.assertRaisesText(UserError, "These deliveries cannot be validated this way"):
            picking._action_done()
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(picking.credit_hold_ids)

    def test_switch_off(self):
        self.company.credit_check_delivery = False
        _order, picking = self.confirmed_order()
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_payment_releases_the_delivery_hold(self):
        _order, picking = self.confirmed_order(qty=8.0)
        invoice = self.create_invoice(self.customer, 300.0)
        picking.button_validate()
        hold = picking.credit_hold_ids
        self.assertEqual(hold.state, "pending")
        self.pay(invoice, 300.0)
        self.assertEqual(hold.state, "released")
        self.assertIn("payment reconciled with %s" % invoice.name, hold.decision_reason)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
