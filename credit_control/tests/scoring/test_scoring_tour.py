from datetime import timedelta

from odoo.tests import HttpCase, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestScoringTour(CreditControlCommon, HttpCase):
    """In the browser: a credit manager scores a customer and applies the suggested limit;
    the salesperson sees the grade and its explanation, read-only."""

    def test_score_and_apply_in_the_browser(self):
        invoice = self.create_invoice(self.customer, 10000.0, days_ago=100, due_in=30)
        self.pay(invoice, 10000.0, payment_date=invoice.invoice_date_due - timedelta(days=1))
        url = "/odoo/action-base.action_partner_form/%s" % self.customer.id
        self.start_tour(url, "credit_control_score_tour", login=self.credit_manager.login)
        self.assertEqual(self.customer.credit_grade, "A")
        self.assertEqual(self.customer.credit_limit, 2500.0)
        self.start_tour(url, "credit_control_score_salesman_tour", login=self.salesman.login)
