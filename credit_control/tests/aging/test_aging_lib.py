from odoo.tests import BaseCase, tagged

from ...lib.aging import countback_dso


@tagged("post_install", "-at_install", "credit_control")
class TestCountbackDso(BaseCase):
    def test_countback(self):
        self.assertEqual(countback_dso(0.0, [100.0]), 0.0, "nothing open")
        self.assertEqual(countback_dso(-50.0, []), 0.0, "credit balance: nothing owed")
        self.assertEqual(countback_dso(500.0, [1000.0]), 15.0, "half of the last period's sales")
        self.assertEqual(countback_dso(1500.0, [1000.0, 1000.0]), 45.0)
        self.assertEqual(countback_dso(1000.0, [0.0, 0.0, 0.0, 1000.0]), 120.0, "old sales, nothing since")
        self.assertEqual(
            countback_dso(1000.0, [-200.0, 1000.0]), 30.0 + 1.0 * 30, "a period of net refunds counts as no sales"
        )
        self.assertIsNone(countback_dso(5000.0, [100.0] * 12), "more open than a year of sales")
        self.assertEqual(countback_dso(100.0, [400.0], period_days=7), 1.8)
