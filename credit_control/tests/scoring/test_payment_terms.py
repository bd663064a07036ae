from odoo import Command
from odoo.tests import tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestPaymentTermsRule(CreditControlCommon):
    """Differentiated terms by grade (差异化账期), and rules limited to grades."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scorecard = cls.env["credit.scorecard"]._get_default(cls.company)
        cls.grade_b = cls.scorecard.grade_ids.filtered(lambda grade: grade.name == "B")
        cls.grade_b.max_payment_days = 30
        cls.env["credit.score"]._run_scoring(cls.company, partners=cls.customer, today=cls.today)
        cls.term_60 = cls.env["account.payment.term"].create(
            {"name": "60 Days", "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 60})]}
        )
        cls.term_30 = cls.env["account.payment.term"].create(
            {"name": "30 Days", "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})]}
        )

    def test_order_with_longer_terms_than_its_grade_is_held(self):
        order = self.create_order(self.customer, 100.0)
        order.payment_term_id = self.term_60
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        reason = order.credit_hold_ids.reason_ids
        self.assertEqual(reason.rule, "payment_terms")
        self.assertEqual(
            reason.message,
            "Payment terms of 60 days are longer than the 30 days grade B of Acme Retail allows.",
        )
        self.assertEqual((reason.value, reason.threshold), (60.0, 30.0))

    def test_terms_within_the_grade_pass(self):
        order = self.create_order(self.customer, 100.0)
        order.payment_term_id = self.term_30
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_no_maximum_means_any_terms(self):
        self.grade_b.max_payment_days = 0
        order = self.create_order(self.customer, 100.0)
        order.payment_term_id = self.term_60
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_invoice_terms_checked_at_posting(self):
        self.company.credit_check_invoice = True
        invoice = self.create_invoice(self.customer, 100.0, post=False, due_in=45)
        invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.credit_hold_ids.reason_ids.mapped("rule"), ["payment_terms"])
        self.assertIn("Payment terms of 45 days", invoice.credit_hold_ids.reason_summary)

    def test_rule_limited_to_other_grades_skips_the_customer(self):
        grade_d = self.scorecard.grade_ids.filtered(lambda grade: grade.name == "D")
        setting = self.env["credit.rule.setting"].create({"rule": "payment_terms", "grade_ids": [(6, 0, grade_d.ids)]})
        order = self.create_order(self.customer, 100.0)
        order.payment_term_id = self.term_60
        order.action_confirm()
        self.assertEqual(order.state, "sale", "the rule applies to grade D customers only")

        setting.grade_ids = self.grade_b
        other = self.create_order(self.customer, 100.0)
        other.payment_term_id = self.term_60
        other.action_confirm()
        self.assertEqual(other.state, "draft")
