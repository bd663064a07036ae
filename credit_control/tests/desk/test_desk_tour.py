from odoo.tests import HttpCase, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestSalespersonTour(CreditControlCommon, HttpCase):
    """In the browser: the salesperson comments on his hold and requests its release."""

    def test_salesperson_requests_a_release_in_the_browser(self):
        self.create_invoice(self.customer, 700.0)
        order = self.create_order(self.customer, 450.0)
        order.with_user(self.salesman).action_confirm()
        hold = order.credit_hold_ids
        self.assertEqual(hold.state, "pending")

        self.start_tour("/odoo/sales/%s" % order.id, "credit_control_salesperson_tour", login=self.salesman.login)
        self.assertTrue(hold.release_requested)
        self.assertEqual(hold.release_request_note, "Wire transfer received, see the note")
        self.assertEqual(hold.state, "pending")
        messages = hold.message_ids.filtered(lambda message: message.author_id == self.salesman.partner_id)
        bodies = " ".join(messages.mapped("body"))
        self.assertIn("The customer paid 500 by wire this morning", bodies)
        self.assertIn("Wire transfer received, see the note", bodies)
        activity = hold.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("credit_control.mail_activity_type_credit_release_request")
        )
        self.assertIn(self.credit_manager, activity.user_id)
        self.assertEqual(activity.user_id, self.company._get_credit_managers(), "one for each credit manager")
