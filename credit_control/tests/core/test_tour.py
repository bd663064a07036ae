from odoo.tests import HttpCase, new_test_user, tagged

from ..common import CreditControlCommon
from .test_translation import EnglishHoldForChineseManager


@tagged("post_install", "-at_install", "credit_control")
class TestCreditHoldTour(CreditControlCommon, HttpCase):
    """In the browser: a salesperson's over-limit order is held; a credit manager releases it."""

    def test_hold_and_release_in_the_browser(self):
        self.create_invoice(self.customer, 700.0)
        order = self.create_order(self.customer, 450.0)
        order.name = "SO-TOUR-001"

        self.start_tour("/odoo/sales/%s" % order.id, "credit_control_hold_tour", login=self.salesman.login)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_hold_state, "pending")

        self.start_tour("/odoo/credit-holds", "credit_control_release_tour", login=self.credit_manager.login)
        self.assertEqual(order.state, "sale")
        hold = order.credit_hold_ids
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.decided_by_id, self.credit_manager)
        self.assertEqual(hold.decision_reason, "Deposit received by wire")

    def test_credit_manager_switches_holds_on_in_the_settings(self):
        self.company.credit_hold_enabled = False
        manager = new_test_user(
            self.env, login="settings_credit_manager", groups="base.group_user,credit_control.group_credit_manager"
        )
        self.assertFalse(manager._is_admin())
        self.start_tour(
            "/odoo/action-credit_control.action_credit_control_settings",
            "credit_control_settings_tour",
            login=manager.login,
        )
        self.assertTrue(self.company.credit_hold_enabled)


@tagged("post_install", "-at_install", "credit_control")
class TestChineseTour(EnglishHoldForChineseManager, CreditControlCommon, HttpCase):
    """In the browser: a Chinese credit manager reads the reasons of an English salesperson's hold in Chinese."""

    def test_chinese_manager_reads_the_reasons_in_chinese(self):
        hold = self.hold_for_chinese_manager()
        self.assertEqual(hold.state, "pending")
        self.start_tour(
            "/odoo/action-credit_control.action_credit_hold/%s" % hold.id,
            "credit_control_zh_reasons_tour",
            login=self.credit_manager.login,
        )
