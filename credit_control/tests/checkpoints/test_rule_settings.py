from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestRuleSettings(CreditControlCommon):
    """A company makes a rule warn only, or apply to customers with some tags."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.risky = cls.env["res.partner.category"].create({"name": "Risky"})

    def test_warn_only_rule_lets_the_order_through_with_a_warning(self):
        self.env["credit.rule.setting"].create({"rule": "credit_limit", "mode": "warn"})
        order = self.create_order(self.customer, 1500.0)
        self.assertIn("Warning: Exposure", order.credit_check_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_ids)
        self.assertIn(
            "Credit warning: Exposure", order.message_ids.mapped("body")[-1] + "".join(order.message_ids.mapped("body"))
        )

    def test_warn_rule_does_not_hide_a_holding_one(self):
        self.env["credit.rule.setting"].create({"rule": "credit_limit", "mode": "warn"})
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        order = self.create_order(self.customer, 1500.0)
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_hold_ids.reason_ids.mapped("rule"), ["manual_hold"])

    def test_rule_limited_to_tags(self):
        self.env["credit.rule.setting"].create(
            {"rule": "credit_limit", "partner_category_ids": [(6, 0, self.risky.ids)]}
        )
        order = self.create_order(self.customer, 1500.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale", "the limit rule applies to Risky customers only")

        other = self.env["res.partner"].create(
            {"name": "Risky Ltd", "is_company": True, "credit_limit": 1000.0, "category_id": [(6, 0, self.risky.ids)]}
        )
        risky_order = self.create_order(other, 1500.0)
        risky_order.action_confirm()
        self.assertEqual(risky_order.state, "draft")
        self.assertEqual(risky_order.credit_hold_ids.reason_ids.mapped("rule"), ["credit_limit"])

    def test_one_setting_per_rule_and_company(self):
        self.env["credit.rule.setting"].create({"rule": "overdue", "mode": "warn"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["credit.rule.setting"].create({"rule": "overdue", "mode": "hold"})
            self.env.flush_all()
        self.assertEqual(self.env["credit.rule.setting"].search([("rule", "=", "overdue")]).mode, "warn")
