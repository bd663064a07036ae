from odoo.tests import tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestReevaluation(CreditControlCommon):
    """Pending holds are checked again when the customer pays, gets more credit or leaves a manual hold."""

    def held_order(self, amount=600.0):
        order = self.create_order(self.customer, amount)
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        return order

    def test_payment_releases_the_hold_and_confirms_the_order(self):
        invoice = self.create_invoice(self.customer, 700.0)
        order = self.held_order(600.0)
        hold = order.credit_hold_ids
        self.pay(invoice, 700.0)
        self.assertEqual(hold.state, "released")
        self.assertEqual(order.state, "sale")
        self.assertIn("Released automatically", hold.decision_reason)
        self.assertIn("payment reconciled with %s" % invoice.name, hold.decision_reason)
        self.assertIn("exposure now $\xa00.00", hold.decision_reason)
        self.assertEqual(hold.decided_by_id, self.env.ref("base.user_root"))

    def test_partial_payment_not_enough_keeps_the_hold(self):
        invoice = self.create_invoice(self.customer, 700.0)
        order = self.held_order(600.0)
        self.pay(invoice, 200.0)
        self.assertEqual(order.credit_hold_ids.state, "pending", "500 + 600 is still above 1,000")
        self.assertEqual(order.state, "draft")

    def test_notify_mode_tells_the_managers_only(self):
        self.company.credit_auto_release = "notify"
        invoice = self.create_invoice(self.customer, 700.0)
        order = self.held_order(600.0)
        hold = order.credit_hold_ids
        self.pay(invoice, 700.0)
        self.assertEqual(hold.state, "pending")
        self.assertEqual(order.state, "draft")
        message = hold.message_ids[0]
        self.assertIn("passes the credit rules again", message.body)
        self.assertIn(self.credit_manager.partner_id, message.partner_ids)

    def test_higher_limit_releases(self):
        order = self.held_order(1500.0)
        self.customer.credit_limit = 2000.0
        self.assertEqual(order.credit_hold_ids.state, "released")
        self.assertIn("credit limit raised", order.credit_hold_ids.decision_reason)
        self.assertEqual(order.state, "sale")

    def test_lower_limit_does_nothing(self):
        order = self.held_order(1500.0)
        self.customer.credit_limit = 500.0
        self.assertEqual(order.credit_hold_ids.state, "pending")

    def test_manual_hold_lifted_releases(self):
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        order = self.held_order(100.0)
        self.customer.credit_hold = False
        self.assertEqual(order.credit_hold_ids.state, "released")
        self.assertIn("manual credit hold lifted", order.credit_hold_ids.decision_reason)

    def test_order_grown_since_hold_stays_pending(self):
        order = self.held_order(1500.0)
        hold = order.credit_hold_ids
        # an order edited after its hold refreshes the hold; a hold whose order changed customer is not released
        hold.sudo().amount_company = 100.0
        self.customer.credit_limit = 5000.0
        self.assertEqual(hold.state, "pending", "the release refuses an order larger than its hold")
        self.assertIn("could not be released automatically", hold.message_ids[0].body)
