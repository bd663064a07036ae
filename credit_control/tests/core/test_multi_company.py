from odoo import Command
from odoo.tests import tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestMultiCompany(CreditControlCommon):
    """Each company checks its own figures and limits; holds stay in their company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.company_2.credit_hold_enabled = True
        cls.customer.with_company(cls.company_2).credit_limit = 5000.0
        (cls.salesman | cls.credit_manager).write({"company_ids": [Command.link(cls.company_2.id)]})
        cls.manager_2 = cls.credit_manager.with_context(no_reset_password=True).copy(
            {
                "login": "credit_manager_2",
                "email": "credit.manager2@example.com",
                "company_id": cls.company_2.id,
                "company_ids": [Command.set(cls.company_2.ids)],
            }
        )

    def test_other_company_receivables_do_not_hold(self):
        self.create_invoice(self.customer, 900.0, company=self.company_2)
        order = self.create_order(self.customer, 800.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

    def test_each_company_uses_its_own_limit(self):
        self.create_invoice(self.customer, 900.0)
        order_2 = self.create_order(self.customer, 3000.0, company=self.company_2)
        order_2.with_company(self.company_2).with_user(self.salesman).action_confirm()
        self.assertEqual(order_2.state, "sale")
        order_1 = self.create_order(self.customer, 3000.0)
        self.confirm_as(self.salesman, order_1)
        self.assertEqual(order_1.state, "draft")
        self.assertEqual(order_1.credit_hold_ids.reason_ids.threshold, 1000.0)

    def test_holds_are_isolated_per_company(self):
        order_1 = self.create_order(self.customer, 3000.0)
        self.confirm_as(self.salesman, order_1)
        order_2 = self.create_order(self.customer, 6000.0, company=self.company_2)
        order_2.with_company(self.company_2).with_user(self.salesman).action_confirm()
        hold_2 = order_2.credit_hold_ids
        self.assertEqual(hold_2.company_id, self.company_2)
        self.assertEqual(hold_2.reason_ids.threshold, 5000.0)
        visible = self.env["credit.hold"].with_user(self.manager_2).search([])
        self.assertEqual(visible, hold_2)
        self.assertIn(self.manager_2, hold_2.activity_ids.user_id)
        self.assertNotIn(self.manager_2, order_1.credit_hold_ids.activity_ids.user_id)

    def test_aging_reports_of_another_company_are_not_listed(self):
        report_2 = (
            self.env["credit.aging.report"]
            .with_company(self.company_2)
            .create({"as_of_date": self.today, "company_ids": [Command.set(self.company_2.ids)]})
        )
        report_1 = self.env["credit.aging.report"].create(
            {"as_of_date": self.today, "company_ids": [Command.set(self.company.ids)]}
        )
        visible = self.env["credit.aging.report"].with_user(self.manager_2).search([])
        self.assertIn(report_2, visible)
        self.assertNotIn(report_1, visible)
