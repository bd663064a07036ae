from odoo.tests import tagged

from .common import CreditDecisionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditInsurance(CreditDecisionsCommon):
    """An insurer's cover of a customer: cap or warn, reductions and cancellations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurer = cls.env["res.partner"].create({"name": "Sure Credit Insurance", "is_company": True})

    def insure(self, limit=600.0, state="granted"):
        return self.env["credit.insurance"].create(
            {
                "partner_id": self.customer.id,
                "insurer_id": self.insurer.id,
                "policy_number": "POL-1",
                "insured_limit": limit,
                "coverage_percent": 90.0,
                "state": state,
            }
        )

    def test_cap_at_insured_limit_plus_tolerance(self):
        self.company.write({"credit_insurance_mode": "cap", "credit_insurance_tolerance": 100.0})
        self.insure(600.0)
        partner = self.figures_of(self.customer)
        self.assertEqual(partner.credit_insurance_state, "granted")
        self.assertEqual(partner.credit_insured_limit, 600.0)
        self.assertEqual(partner.credit_limit_effective, 700.0)
        self.create_invoice(self.customer, 500.0)
        order = self.create_order(self.customer, 300.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "draft", "within the 1,000 limit, above the insured 600 + 100")
        self.assertIn("capped by the credit insurance", order.credit_hold_ids.reason_summary)
        partner = self.figures_of(self.customer)
        self.assertEqual(partner.credit_uninsured_exposure, 0.0)

    def test_warn_only_keeps_the_limit_and_shows_the_uninsured_exposure(self):
        self.insure(600.0)
        self.create_invoice(self.customer, 800.0)
        partner = self.figures_of(self.customer)
        self.assertEqual(partner.credit_limit_effective, 1000.0)
        self.assertEqual(partner.credit_uninsured_exposure, 200.0)
        order = self.create_order(self.customer, 150.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")
        report = self.env["res.partner"].search([("parent_id", "=", False), ("credit_insurance_state", "!=", False)])
        self.assertIn(self.customer, report)

    def test_reduction_and_cancellation_alert_and_review(self):
        self.company.credit_insurance_mode = "cap"
        cover = self.insure(900.0)
        self.customer.credit_review_date = self.today.replace(year=self.today.year + 1)
        cover.write({"state": "reduced", "insured_limit": 400.0})
        alerts = self.env["credit.alert"].search(
            [("partner_id", "=", self.customer.id), ("alert_type", "=", "insurance")]
        )
        self.assertEqual(len(alerts), 1)
        self.assertIn("reduced the insured limit", alerts.message)
        partner = self.figures_of(self.customer)
        self.assertEqual(partner.credit_review_date, self.today, "a reduction calls for a review now")
        self.assertEqual(partner.credit_limit_effective, 400.0)
        cover.state = "cancelled"
        alerts = self.env["credit.alert"].search(
            [("partner_id", "=", self.customer.id), ("alert_type", "=", "insurance")]
        )
        self.assertEqual(len(alerts), 2)
        self.assertIn("cancelled the credit insurance", alerts[0].message)
        partner = self.figures_of(self.customer)
        self.assertEqual(partner.credit_limit_effective, 0.0, "a cancelled cover leaves only the tolerance")

    def test_requested_cover_changes_nothing(self):
        self.company.credit_insurance_mode = "cap"
        self.insure(100.0, state="requested")
        partner = self.figures_of(self.customer)
        self.assertEqual(partner.credit_limit_effective, 1000.0)
