from odoo.tests import HttpCase, tagged

from .common import CreditDecisionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditRequestTour(CreditDecisionsCommon, HttpCase):
    """In the browser: a salesperson requests more credit from a held order, two approvers
    approve, and the order confirms."""

    def test_request_more_credit_from_a_held_order(self):
        order = self.held_order()
        self.start_tour("/odoo/sales/%s" % order.id, "credit_control_request_credit_tour", login=self.salesman.login)
        request = order.credit_hold_ids.limit_request_ids
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.requested_limit, 1150.0)
        self.assertEqual(request.justification, "Season orders, always paid on time")

        self.start_tour(
            "/odoo/credit-requests/%s" % request.id, "credit_control_approve_request_tour", login=self.sales_boss.login
        )
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(order.state, "draft")
        self.start_tour(
            "/odoo/credit-requests/%s" % request.id,
            "credit_control_approve_request_last_tour",
            login=self.credit_manager.login,
        )
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.review_ids.mapped("comment"), ["Checked the figures", "Checked the figures"])
        self.assertEqual(self.customer.credit_limit, 1150.0)
        self.assertEqual(order.state, "sale")
