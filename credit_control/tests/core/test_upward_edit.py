from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestUpwardEdit(CreditControlCommon):
    """A confirmed order raised beyond the customer's credit is refused, not saved."""

    def setUp(self):
        super().setUp()
        self.order = self.create_order(self.customer, 400.0)
        self.confirm_as(self.salesman, self.order)
        self.assertEqual(self.order.state, "sale")

    def test_raise_within_credit_is_saved(self):
        self.order.with_user(self.salesman).order_line.product_uom_qty = 2
        self.assertEqual(self.order.amount_total, 800.0)

    def test_quantity_raise_beyond_credit_is_refused(self):
        with self.assertRaisesText(UserError, "beyond the customer's credit"):
            self.order.with_user(self.salesman).order_line.product_uom_qty = 3
        self.order.invalidate_recordset()
        self.assertEqual(self.order.order_line.product_uom_qty, 1)
        self.assertEqual(self.order.amount_total, 400.0)

    def test_new_line_beyond_credit_is_refused_in_the_form(self):
        with self.assertRaisesText(UserError, "exceeds the credit limit"):
            with Form(self.order.with_user(self.salesman)) as form:
                with form.order_line.new() as line:
                    line.product_id = self.product
                    line.product_uom_qty = 1
                    line.price_unit = 700.0
        self.order.invalidate_recordset()
        self.assertEqual(len(self.order.order_line), 1)
        self.assertEqual(self.order.amount_total, 400.0)

    def test_price_raise_beyond_credit_is_refused(self):
        with self.assertRaisesText(UserError, "raises the order beyond the customer's credit and was not saved"):
            self.order.with_user(self.salesman).write(
                {
                    "order_line": [Command.update(self.order.order_line.id, {"price_unit": 1200.0})],
                }
            )
        self.order.invalidate_recordset()
        self.assertEqual(self.order.amount_total, 400.0)

    def test_lowering_is_always_allowed(self):
        self.customer.with_user(self.credit_manager).write({"credit_hold": True, "credit_hold_reason": "x"})
        self.order.with_user(self.salesman).order_line.price_unit = 300.0
        self.assertEqual(self.order.amount_total, 300.0)

    def test_released_order_may_grow_up_to_its_released_amount(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        order.credit_hold_ids.with_user(self.credit_manager)._release("Deposit received")
        self.assertEqual(order.state, "sale")
        order.with_user(self.salesman).order_line.price_unit = 1450.0
        order.with_user(self.salesman).order_line.price_unit = 1500.0
        with self.assertRaisesText(UserError, "beyond the customer's credit"):
            order.with_user(self.salesman).order_line.price_unit = 1600.0
        self.assertEqual(order.amount_total, 1500.0)

    def test_reinvoiced_expense_lines_are_not_stopped(self):
        # posted vendor bills add expense lines to confirmed orders: never blocked by credit
        self.env["sale.order.line"].create(
            {
                "order_id": self.order.id,
                "product_id": self.product_at(5000.0).id,
                "product_uom_qty": 1,
                "price_unit": 5000.0,
                "is_expense": True,
            }
        )
        self.assertEqual(self.order.amount_total, 5400.0)
