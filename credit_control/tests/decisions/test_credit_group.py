from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CreditDecisionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditGroup(CreditDecisionsCommon):
    """One limit shared by related companies, across two of our companies and two currencies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")  # 2 EUR = 1 company currency
        cls.company_2 = cls.setup_other_company(name="Acme Europe Seller", currency_id=cls.eur.id)["company"]
        cls.company_2.credit_hold_enabled = True
        # the same rate in the second company's own rates: 1 company currency = 2 EUR
        cls.env["res.currency.rate"].create(
            {
                "name": "2017-01-01",
                "rate": 0.5,
                "currency_id": cls.company.currency_id.id,
                "company_id": cls.company_2.id,
            }
        )
        cls.subsidiary = cls.env["res.partner"].create({"name": "Acme Subsidiary", "is_company": True})
        cls.subsidiary.with_company(cls.company_2).credit_limit = 10000.0
        cls.group = cls.env["credit.group"].create(
            {
                "name": "Acme Holding",
                "currency_id": cls.company.currency_id.id,
                "limit": 1200.0,
                "member_ids": [(6, 0, (cls.customer | cls.subsidiary).ids)],
            }
        )

    def test_group_limit_is_checked_before_the_members_own(self):
        self.create_invoice(self.customer, 600.0)
        self.create_invoice(self.subsidiary, 1000.0, company=self.company_2)  # 1,000 EUR = 500
        self.group.invalidate_recordset()
        self.assertEqual(self.group.exposure, 1100.0)
        self.assertEqual(self.group.available, 100.0)
        # the group's aging in this company: the customer's 600, not due yet
        self.assertIn("600.00", self.group.aging_html)
        order = self.create_order(self.customer, 150.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "draft", "within its own limit, but not within the group's")
        hold = order.credit_hold_ids
        self.assertEqual(hold.reason_ids.mapped("rule"), ["group_limit"])
        self.assertIn("Credit group Acme Holding", hold.reason_summary)
        self.assertIn("exceeds the group limit", hold.reason_summary)
        self.assertEqual(hold.reason_ids.params["excess"], 50.0)
        self.assertEqual(hold.reason_ids.params["limit"], 1200.0)
        order = self.create_order(self.customer, 100.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

    def test_group_in_another_currency_and_member_in_the_other_company(self):
        self.group.write({"currency_id": self.eur.id, "limit": 3000.0})  # 3,000 EUR = 1,500
        self.create_invoice(self.customer, 600.0)  # 1,200 EUR
        self.create_invoice(self.subsidiary, 1000.0, company=self.company_2)
        self.group.invalidate_recordset()
        self.assertEqual(self.group.exposure, 2200.0)
        order = self.create_order(self.subsidiary, 900.0, company=self.company_2)  # 2,200 + 900 > 3,000 EUR
        order.with_company(self.company_2).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertIn("exceeds the group limit", order.credit_hold_ids.reason_summary)
        self.assertIn("by 100.00", order.credit_hold_ids.reason_summary)

    def test_expired_group_no_longer_applies(self):
        self.create_invoice(self.customer, 600.0)
        self.create_invoice(self.subsidiary, 1000.0, company=self.company_2)
        self.group.valid_until = self.today - timedelta(days=1)
        order = self.create_order(self.customer, 150.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

    def test_a_customer_belongs_to_one_group(self):
        with self.assertRaisesText(ValidationError, "already a member of credit group Acme Holding"):
            self.env["credit.group"].create({"name": "Other", "limit": 1.0, "member_ids": [(6, 0, self.customer.ids)]})
        with self.assertRaisesText(ValidationError, "must be companies"):
            self.group.member_ids = [(4, self.customer_contact.id)]
