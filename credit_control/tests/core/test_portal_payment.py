import base64

from odoo import Command
from odoo.tests import HttpCase, tagged

from ..common import CreditControlCommon

# A 1x1 transparent PNG, as the portal's signature pad would post.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


@tagged("post_install", "-at_install", "credit_control")
class TestPortalAndPayment(CreditControlCommon, HttpCase):
    """Confirmations without the salesperson follow the same rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Test Provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "payment_method_ids": [Command.set([cls.env.ref("payment.payment_method_unknown").id])],
                "available_currency_ids": [Command.set(cls.company.currency_id.ids)],
            }
        )
        cls.env.ref("payment.payment_method_unknown").active = True

    def _transaction(self, order, amount, state="done"):
        return (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                    "reference": "TX-%s-%s" % (order.name, amount),
                    "amount": amount,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "operation": "online_redirect",
                    "sale_order_ids": [Command.set(order.ids)],
                    "state": state,
                }
            )
        )

    def test_portal_signature_of_an_over_limit_order_goes_on_hold(self):
        order = self.create_order(self.customer, 1500.0)
        order.write({"require_signature": True, "require_payment": False})
        order._portal_ensure_token()
        result = self.make_jsonrpc_request(
            "/my/orders/%s/accept" % order.id,
            {"access_token": order.access_token, "name": "Alice Buyer", "signature": SIGNATURE},
        )
        self.assertNotIn("error", result)
        order.invalidate_recordset()
        self.assertEqual(order.signed_by, "Alice Buyer")
        self.assertIn(order.state, ("draft", "sent"), "signed but not confirmed")
        hold = order.credit_hold_ids
        self.assertEqual(hold.state, "pending")
        self.assertEqual(hold.reason_ids.rule, "credit_limit")
        self.assertIn(self.credit_manager, hold.activity_ids.user_id, "credit managers are told")

    def test_portal_signature_within_limit_confirms(self):
        order = self.create_order(self.customer, 500.0)
        order.write({"require_signature": True, "require_payment": False})
        order._portal_ensure_token()
        self.make_jsonrpc_request(
            "/my/orders/%s/accept" % order.id,
            {"access_token": order.access_token, "name": "Alice Buyer", "signature": SIGNATURE},
        )
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")

    def test_order_fully_paid_online_is_not_held(self):
        order = self.create_order(self.customer, 1500.0)
        tx = self._transaction(order, 1500.0)
        confirmed = tx._check_amount_and_confirm_order()
        self.assertEqual(confirmed, order)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_ids)

    def test_what_was_paid_online_is_read_only_for_an_order_that_fails(self):
        within, over = self.create_order(self.customer, 500.0), self.create_order(self.customer, 1500.0)
        self._transaction(over, 1500.0)
        asked = []
        order_class = type(self.env["sale.order"])
        document_queries = order_class._credit_get_document_queries

        def spy(orders):
            asked.append(orders.ids)
            return document_queries(orders)

        self.patch(order_class, "_credit_get_document_queries", spy)
        within.action_confirm()
        self.assertEqual(within.state, "sale")
        self.assertEqual(asked, [], "an order within the limit: its payments are not read")
        over.action_confirm()
        self.assertEqual(over.state, "sale", "500 + 1,500 is over the limit, but the 1,500 are paid online")
        self.assertFalse(over.credit_hold_ids)
        self.assertEqual(asked, [over.ids], "read once, for the order that failed the limit")

    def test_paid_online_counts_done_transactions_only(self):
        paid, pending, partly = (self.create_order(self.customer, 1500.0) for _index in range(3))
        self._transaction(paid, 1500.0)
        self._transaction(pending, 1500.0, state="pending")
        self._transaction(partly, 1000.0)
        self._transaction(partly, 499.0)
        orders = paid | pending | partly
        orders.action_confirm()
        self.assertEqual(paid.state, "sale")
        self.assertFalse(paid.credit_hold_ids)
        self.assertEqual(paid.credit_checked_amount, 1500.0, "let through by the check, as a release would")
        self.assertEqual((pending | partly).mapped("state"), ["draft", "draft"])
        self.assertEqual((pending | partly).credit_hold_ids.mapped("state"), ["pending", "pending"])

    def test_prepaid_order_over_limit_is_held_not_reported_confirmed(self):
        order = self.create_order(self.customer, 1500.0)
        order.write({"require_payment": True, "prepayment_percent": 0.5})
        tx = self._transaction(order, 750.0)
        confirmed = tx._check_amount_and_confirm_order()
        self.assertFalse(confirmed)
        self.assertEqual(order.credit_hold_ids.state, "pending")
        self.assertIn(order.state, ("draft", "sent"))
