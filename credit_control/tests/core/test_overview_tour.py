from odoo.tests import HttpCase, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditOverviewTour(CreditControlCommon, HttpCase):
    """In the browser: the credit manager lands on the overview, opens the pending holds from
    their card and releases the held order."""

    def test_overview_to_release_in_the_browser(self):
        self.customer.user_id = self.salesman
        self.create_invoice(self.customer, 600.0, days_ago=60, due_in=30)
        order = self.create_order(self.customer, 450.0)
        order.name = "SO-OVW-TOUR"
        order.with_user(self.salesman).action_confirm()
        hold = order.credit_hold_ids
        self.assertEqual(hold.state, "pending")
        self.assertEqual(
            self.credit_manager.action_id.id, self.env.ref("credit_control.action_credit_overview").id, "his home"
        )

        self.start_tour("/odoo", "credit_control_overview_tour", login=self.credit_manager.login)
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.decided_by_id, self.credit_manager)
        self.assertEqual(hold.decision_reason, "Customer paid the overdue invoice")
        self.assertEqual(order.state, "sale")
