from datetime import date

from odoo.tests import BaseCase, tagged

from ...lib.decisions import (
    DEFAULT_REVIEW_MONTHS,
    EXPIRY_SUGGESTED,
    EXPIRY_ZERO,
    add_months,
    approval_amount,
    check_request_values,
    earliest,
    limit_after_expiry,
    next_review_date,
    parse_grades,
    release_above_authority,
    review_months,
    validity_reminder_due,
)


@tagged("post_install", "-at_install", "credit_control")
class TestDecisionsLib(BaseCase):
    """The arithmetic of credit decisions, without a database."""

    today = date(2026, 12, 1)

    def test_approval_amount_per_kind(self):
        self.assertEqual(approval_amount("application", 0.0, 5000.0), 5000.0)
        self.assertEqual(approval_amount("increase", 1000.0, 1500.0), 500.0)
        self.assertEqual(approval_amount("decrease", 1000.0, 500.0), 0.0)
        self.assertEqual(approval_amount("temporary", 1000.0, 0.0, 300.0), 300.0)
        self.assertEqual(approval_amount("payment_terms", 1000.0, 0.0), 0.0)
        self.assertEqual(approval_amount("release", 1000.0, 0.0, release_excess=250.0), 250.0)

    def test_request_values_are_checked(self):
        self.assertIsNone(check_request_values("increase", 1000.0, 1500.0, 0.0, None, self.today))
        self.assertEqual(check_request_values("increase", 1000.0, 1000.0, 0.0, None, self.today), "not_higher")
        self.assertEqual(check_request_values("decrease", 1000.0, 1200.0, 0.0, None, self.today), "not_lower")
        self.assertEqual(check_request_values("decrease", 1000.0, -1.0, 0.0, None, self.today), "negative")
        self.assertEqual(check_request_values("application", 0.0, 0.0, 0.0, None, self.today), "no_amount")
        self.assertEqual(check_request_values("temporary", 0.0, 0.0, 0.0, self.today, self.today), "no_amount")
        self.assertEqual(check_request_values("temporary", 0.0, 0.0, 100.0, date(2026, 11, 30), self.today), "expiry")
        self.assertIsNone(check_request_values("temporary", 0.0, 0.0, 100.0, self.today, self.today))

    def test_release_authority(self):
        self.assertFalse(release_above_authority(500.0, 0.0, "B", {"D"}))
        self.assertFalse(release_above_authority(500.0, 500.0, "B", {"D"}))
        self.assertTrue(release_above_authority(500.01, 500.0, "B", {"D"}))
        self.assertTrue(release_above_authority(1.0, 0.0, "D", {"D"}))
        self.assertEqual(parse_grades(" d, C ,"), {"D", "C"})

    def test_review_dates(self):
        self.assertEqual(add_months(date(2026, 1, 31), 1), date(2026, 2, 28))
        self.assertEqual(add_months(date(2026, 11, 15), 3), date(2027, 2, 15))
        self.assertEqual(review_months("A", DEFAULT_REVIEW_MONTHS), 12)
        self.assertEqual(review_months(False, DEFAULT_REVIEW_MONTHS), 6)
        self.assertEqual(next_review_date(self.today, "D", DEFAULT_REVIEW_MONTHS), date(2027, 1, 1))
        self.assertEqual(earliest(None, date(2027, 1, 1), date(2026, 12, 5)), date(2026, 12, 5))
        self.assertIsNone(earliest(None, False))

    def test_limit_after_expiry(self):
        valid_until = date(2026, 11, 30)
        self.assertEqual(limit_after_expiry(1000.0, None, self.today, EXPIRY_ZERO, 0.0), 1000.0)
        self.assertEqual(limit_after_expiry(1000.0, self.today, self.today, EXPIRY_ZERO, 0.0), 1000.0)
        self.assertEqual(limit_after_expiry(1000.0, valid_until, self.today, EXPIRY_ZERO, 800.0), 0.0)
        self.assertEqual(limit_after_expiry(1000.0, valid_until, self.today, EXPIRY_SUGGESTED, 800.0), 800.0)
        self.assertEqual(limit_after_expiry(1000.0, valid_until, self.today, EXPIRY_SUGGESTED, 5000.0), 1000.0)
        self.assertTrue(validity_reminder_due(date(2026, 12, 31), self.today))
        self.assertFalse(validity_reminder_due(date(2027, 1, 1), self.today))
        self.assertFalse(validity_reminder_due(valid_until, self.today))
