from datetime import date

from odoo.tests import BaseCase, tagged

from ...lib.dunning import (
    PROMISE_ACTIVE,
    PROMISE_BROKEN,
    PROMISE_KEPT,
    communication_rank,
    days_overdue,
    interest_days,
    interest_rate,
    late_interest,
    next_level_rank,
    promise_state,
    render_text,
)

STANDARD = [-3, 0, 7, 15, 30]


@tagged("post_install", "-at_install", "credit_control")
class TestDunningLib(BaseCase):
    """Level selection, promises, interest and SMS texts, without a database."""

    def test_level_reached_over_time(self):
        # an item due on day 0, dunned every day: each level once, in order
        sent = 0
        history = []
        for day in range(-5, 40):
            rank = next_level_rank(STANDARD, day, sent)
            if rank:
                history.append((day, rank))
                sent = rank
        self.assertEqual(history, [(-3, 1), (0, 2), (7, 3), (15, 4), (30, 5)])

    def test_catch_up_jumps_to_the_level_deserved(self):
        self.assertEqual(next_level_rank(STANDARD, 20, 0), 4, "20 days late, never dunned: second reminder")
        self.assertEqual(next_level_rank(STANDARD, 20, 4), None, "already sent")
        self.assertEqual(next_level_rank(STANDARD, 100, 5), None, "after the last level nothing more")
        self.assertEqual(next_level_rank(STANDARD, -4, 0), None, "too early for the friendly reminder")
        self.assertEqual(next_level_rank([], 10, 0), None)

    def test_broken_promise_escalates_once_a_level(self):
        # 8 days late, first reminder sent: the next level is due only on day 15, a broken promise
        # moves on at once
        self.assertEqual(next_level_rank(STANDARD, 8, 3), None)
        self.assertEqual(next_level_rank(STANDARD, 8, 3, broken_promise=True), 4)
        # when the delays give more, they win
        self.assertEqual(next_level_rank(STANDARD, 31, 2, broken_promise=True), 5)
        self.assertEqual(next_level_rank(STANDARD, 40, 5, broken_promise=True), None, "no level beyond the last")

    def test_communication_at_highest_level(self):
        self.assertEqual(communication_rank([1, 4, 2]), 4)
        self.assertEqual(communication_rank([]), 0)
        self.assertEqual(days_overdue(date(2025, 1, 1), date(2025, 1, 31)), 30)
        self.assertEqual(days_overdue(date(2025, 1, 4), date(2025, 1, 1)), -3)

    def test_promise_states(self):
        on = date(2025, 3, 10)
        self.assertIsNone(promise_state(None, 100.0, 0.0, on))
        self.assertEqual(promise_state(date(2025, 3, 10), 100.0, 0.0, on), PROMISE_ACTIVE, "active on its date")
        self.assertEqual(promise_state(date(2025, 3, 9), 100.0, 100.0, on), PROMISE_KEPT)
        self.assertEqual(promise_state(date(2025, 3, 9), 100.0, 99.0, on), PROMISE_BROKEN)

    def test_late_interest_eu_directive(self):
        rate = interest_rate(2.15)  # ECB rate + 8 points
        self.assertAlmostEqual(rate, 10.15)
        self.assertEqual(late_interest(1000.0, rate, 30), 8.34)
        self.assertEqual(late_interest(1000.0, rate, 365), 101.5)
        self.assertEqual(late_interest(1000.0, rate, 0), 0.0)
        self.assertEqual(late_interest(-5.0, rate, 30), 0.0)
        # interest already charged for 30 days: 15 more days later on
        self.assertEqual(interest_days(45, 30), 15)
        self.assertEqual(interest_days(20, 30), 0)

    def test_render_sms_text(self):
        text = render_text("%(company)s: %(amount)s overdue. %(unknown)s", {"company": "ACME", "amount": "$ 10.00"})
        self.assertEqual(text, "ACME: $ 10.00 overdue. %(unknown)s")
        self.assertEqual(render_text(False, {}), "")
