from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditDecisionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditFile(CreditDecisionsCommon):
    """The credit file: one timeline of a customer's credit decisions, for credit users only."""

    def test_timeline_of_a_request_from_a_held_order(self):
        order = self.held_order()
        hold = order.credit_hold_ids
        request = self.new_request(requested_limit=1150.0, hold_id=hold.id, origin="hold")
        request.action_submit()
        self.review(request, self.sales_boss, comment="Season")
        self.flush_tracking()  # what was tracked before, in its own request
        self.review(request, self.credit_manager, comment="Fine")
        self.flush_tracking()
        events = (
            self.env["credit.file.event"].with_user(self.credit_manager).search([("partner_id", "=", self.customer.id)])
        )
        types = events.mapped("event_type")
        for event_type in ("request", "request_decision", "approval", "hold", "hold_decision", "limit"):
            self.assertIn(event_type, types)
        approvals = events.filtered(lambda e: e.event_type == "approval").sorted("id")
        self.assertEqual(approvals.mapped("user_id"), self.sales_boss | self.credit_manager)
        self.assertIn("Sales manager: approved (Season)", approvals[0].summary)
        limit = events.filtered(lambda e: e.event_type == "limit")
        self.assertEqual(limit[0].amount, 1150.0)
        self.assertEqual(limit[0].user_id, self.credit_manager)
        decision = events.filtered(lambda e: e.event_type == "hold_decision")
        self.assertIn("released", decision.summary)
        action = self.customer.with_user(self.credit_manager).action_view_credit_file()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])

    def test_salespeople_do_not_read_the_file(self):
        with self.assertRaises(AccessError):
            self.env["credit.file.event"].with_user(self.salesman).search([("partner_id", "=", self.customer.id)])
