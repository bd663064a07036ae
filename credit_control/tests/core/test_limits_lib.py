from datetime import date

from odoo.tests import BaseCase, tagged

from ...lib.limits import (
    NO_LIMIT_NO_CREDIT,
    NO_LIMIT_UNLIMITED,
    CreditFigures,
    available_credit,
    days_past_due,
    effective_limit,
    is_unlimited,
    limit_excess,
    net_overdue,
    overdue_breached,
    overdue_cutoff,
)


@tagged("post_install", "-at_install", "credit_control")
class TestLimitsLib(BaseCase):
    """The plain credit arithmetic, without a database."""

    today = date(2026, 11, 23)

    def test_exposure_adds_the_three_figures(self):
        figures = CreditFigures(receivable=400.0, draft_invoices=-50.0, orders_to_invoice=300.0)
        self.assertEqual(figures.exposure, 650.0)

    def test_effective_limit_counts_unexpired_increase_until_its_last_day(self):
        self.assertEqual(effective_limit(1000.0, 500.0, date(2026, 11, 30), self.today), 1500.0)
        self.assertEqual(effective_limit(1000.0, 500.0, self.today, self.today), 1500.0)
        self.assertEqual(effective_limit(1000.0, 500.0, date(2026, 11, 22), self.today), 1000.0)
        self.assertEqual(effective_limit(1000.0, 500.0, None, self.today), 1000.0)
        self.assertEqual(effective_limit(False, 0.0, None, self.today), 0.0)

    def test_no_limit_policy(self):
        self.assertTrue(is_unlimited(0.0, NO_LIMIT_UNLIMITED))
        self.assertFalse(is_unlimited(0.0, NO_LIMIT_NO_CREDIT))
        self.assertFalse(is_unlimited(10.0, NO_LIMIT_UNLIMITED))

    def test_limit_excess(self):
        self.assertEqual(limit_excess(800.0, 200.0, 1000.0), 0.0)
        self.assertEqual(limit_excess(800.0, 200.004, 1000.0), 0.0)
        self.assertAlmostEqual(limit_excess(800.0, 250.0, 1000.0), 50.0)
        self.assertAlmostEqual(limit_excess(0.0, 1.0, 0.0), 1.0)
        self.assertEqual(available_credit(1000.0, 1250.0), -250.0)

    def test_overdue_tolerance(self):
        self.assertEqual(overdue_cutoff(self.today, 10), date(2026, 11, 13))
        self.assertEqual(overdue_cutoff(self.today, 0), self.today)
        self.assertEqual(overdue_cutoff(self.today, -3), self.today)
        self.assertTrue(overdue_breached(100.01, 100.0))
        self.assertFalse(overdue_breached(100.0, 100.0))
        self.assertFalse(overdue_breached(0.0, 0.0))

    def test_overdue_is_net_of_unapplied_credits(self):
        self.assertEqual(net_overdue(300.0, 1000.0), 300.0)
        self.assertEqual(net_overdue(300.0, 120.0), 120.0)
        self.assertEqual(net_overdue(300.0, -50.0), 0.0)
        self.assertEqual(net_overdue(None, None), 0.0)

    def test_days_past_due(self):
        self.assertEqual(days_past_due(date(2026, 10, 24), self.today), 30)
        self.assertEqual(days_past_due(None, self.today), 0)
        self.assertEqual(days_past_due(date(2026, 12, 1), self.today), 0)
