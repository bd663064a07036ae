from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestDefaults(CreditControlCommon):
    """The credit groups are enough on their own; credit managers configure credit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a credit manager with no sales or accounting group at all
        cls.pure_manager = new_test_user(
            cls.env, login="pure_credit_manager", groups="base.group_user,credit_control.group_credit_manager"
        )

    def test_credit_manager_alone_opens_the_order_of_a_hold(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        hold = order.credit_hold_ids.with_user(self.pure_manager)
        action = hold.action_view_order()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        with Form(self.env["sale.order"].with_user(self.pure_manager).browse(order.id)) as form:
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.amount_total, 1500.0)
        with self.assertRaisesText(AccessError, "not allowed to modify"):
            order.with_user(self.pure_manager).write({"note": "changed"})
        hold._release("Reviewed the order")
        self.assertEqual(order.state, "sale")

    def test_credit_manager_changes_credit_settings_not_others(self):
        self.company.write({"credit_hold_enabled": False, "qr_code": False})
        settings = (
            self.env["res.config.settings"]
            .with_user(self.pure_manager)
            .create({"credit_hold_enabled": True, "credit_overdue_tolerance_days": 5, "qr_code": True})
        )
        self.assertEqual(settings.execute(), {"type": "ir.actions.client", "tag": "reload"})
        self.assertTrue(self.company.credit_hold_enabled)
        self.assertEqual(self.company.credit_overdue_tolerance_days, 5)
        self.assertFalse(self.company.qr_code, "only credit settings are written for a credit manager")

    def test_salesperson_cannot_change_credit_settings(self):
        with self.assertRaisesText(AccessError, "not allowed to create"):
            self.env["res.config.settings"].with_user(self.salesman).create({"credit_hold_enabled": False})
        self.assertTrue(self.company.credit_hold_enabled)

    def test_new_company_gets_the_standard_scorecard_and_policy(self):
        company = self.env["res.company"].create({"name": "New Branch Ltd"})
        self.assertEqual(company.credit_scorecard_id.company_id, company)
        self.assertEqual(company.credit_dunning_policy_id.company_id, company)
        self.assertEqual(len(company.credit_scorecard_id.factor_ids), 10)
