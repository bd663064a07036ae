from datetime import date, datetime

from odoo.tests import BaseCase, tagged

from ...lib.overview import (
    USAGE_NEAR,
    USAGE_OK,
    USAGE_OVER,
    age_in_days,
    last_month_ends,
    limit_usage_band,
    period_dso,
    share,
)


@tagged("post_install", "-at_install", "credit_control")
class TestOverviewLib(BaseCase):
    """The arithmetic of the overview, without a database."""

    def test_limit_usage_band(self):
        self.assertEqual(limit_usage_band(899.99, 1000.0), USAGE_OK)
        self.assertEqual(limit_usage_band(900.0, 1000.0), USAGE_NEAR)
        self.assertEqual(limit_usage_band(1000.0, 1000.0), USAGE_NEAR, "at the limit is not over it")
        self.assertEqual(limit_usage_band(1000.01, 1000.0), USAGE_OVER)
        self.assertEqual(limit_usage_band(5000.0, 0.0), USAGE_OK, "no limit: nothing to watch")
        self.assertEqual(limit_usage_band(800.0, 1000.0, near_ratio=0.8), USAGE_NEAR)

    def test_share(self):
        self.assertEqual(share(1400.0, 1700.0), 0.8235)
        self.assertEqual(share(100.0, 0.0), 0.0)
        self.assertEqual(share(100.0, -50.0), 0.0, "credits only: no ratio")
        self.assertEqual(share(3495.0, 1470.0), 1.0, "payments not applied lower the open total only")

    def test_period_dso(self):
        self.assertEqual(period_dso(900.0, 2700.0), 30.0)
        self.assertEqual(period_dso(600.0, 1200.0, 90), 45.0)
        self.assertIsNone(period_dso(600.0, 0.0), "nothing sold: undefined")
        self.assertEqual(period_dso(-50.0, 1000.0), 0.0)

    def test_last_month_ends(self):
        ends = last_month_ends(date(2026, 3, 15))
        self.assertEqual(len(ends), 12)
        self.assertEqual(ends[-1], date(2026, 2, 28))
        self.assertEqual(ends[-2], date(2026, 1, 31))
        self.assertEqual(ends[0], date(2025, 3, 31))
        self.assertEqual(last_month_ends(date(2026, 3, 31), 1), [date(2026, 2, 28)], "today is not a month end yet")

    def test_age_in_days(self):
        today = date(2026, 12, 2)
        self.assertEqual(age_in_days(datetime(2026, 11, 22, 18, 30), today), 10)
        self.assertEqual(age_in_days(date(2026, 12, 1), today), 1)
        self.assertEqual(age_in_days(None, today), 0)
        self.assertEqual(age_in_days(date(2026, 12, 5), today), 0)
