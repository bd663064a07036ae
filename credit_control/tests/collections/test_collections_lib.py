from datetime import date

from odoo.tests import BaseCase, tagged

from ...lib.collections import (
    PROMISE_BROKEN,
    PROMISE_KEPT,
    PROMISE_OPEN,
    age_weight,
    aging_buckets,
    balance_portfolio,
    cei,
    first_matching,
    grade_risk,
    kept_rate,
    next_action_date,
    priority,
    promise_outcome,
    role_index,
)


@tagged("post_install", "-at_install", "credit_control")
class TestCollectionsLib(BaseCase):
    """Priority, promise outcomes, roles, portfolios and CEI, without a database."""

    def test_age_weight_and_grade_risk(self):
        self.assertEqual((age_weight(-5), age_weight(0), age_weight(30), age_weight(90)), (1.0, 1.0, 2.0, 4.0))
        self.assertEqual((grade_risk("A"), grade_risk("d"), grade_risk(None), grade_risk("Z")), (1.0, 2.0, 1.25, 1.25))

    def test_priority_order(self):
        # 1,000 overdue 30 days (weighted 2,000), grade A: 10 × log10(2,001) × 1.0
        self.assertEqual(priority(2000.0, "A"), 33.01)
        self.assertEqual(priority(2000.0, "D"), 66.02, "grade D doubles the amount points")
        self.assertEqual(priority(2000.0, "A", broken_promises=2), 43.01, "5 points per broken promise")
        self.assertEqual(priority(2000.0, "A", final_level=True), 43.01, "10 points at the final level")
        self.assertEqual(priority(0.0), 0.0)
        self.assertEqual(priority(2000.0, "A", 1, True, weights=(1.0, 0.0, 0.0)), 3.3, "configurable weights")
        ranked = sorted(
            [
                ("small but old and D", priority(500 * age_weight(120), "D")),
                ("big and fresh A", priority(20000 * age_weight(3), "A")),
                ("medium, broke twice", priority(3000 * age_weight(20), "B", broken_promises=2)),
            ],
            key=lambda item: -item[1],
        )
        self.assertEqual(
            [name for name, _value in ranked], ["small but old and D", "medium, broke twice", "big and fresh A"]
        )

    def test_promise_outcome(self):
        promised = date(2026, 3, 10)
        self.assertEqual(promise_outcome(promised, 1000.0, 0.0, date(2026, 3, 10)), PROMISE_OPEN, "on its date")
        self.assertEqual(promise_outcome(promised, 1000.0, 1000.0, date(2026, 3, 5)), PROMISE_KEPT, "paid early")
        self.assertEqual(promise_outcome(promised, 1000.0, 999.0, date(2026, 3, 11)), PROMISE_BROKEN)
        self.assertEqual(promise_outcome(promised, 1000.0, 980.0, date(2026, 3, 11), 2.0), PROMISE_KEPT, "2% tolerance")
        self.assertEqual(promise_outcome(promised, 1000.0, 979.0, date(2026, 3, 11), 2.0), PROMISE_BROKEN)
        self.assertEqual(promise_outcome(promised, 1000.0, 0.0, date(2026, 3, 13), 0, 3), PROMISE_OPEN, "grace days")
        self.assertEqual(promise_outcome(promised, 1000.0, 0.0, date(2026, 3, 14), 0, 3), PROMISE_BROKEN)

    def test_kept_rate_and_cei(self):
        self.assertIsNone(kept_rate(0, 0))
        self.assertEqual((kept_rate(3, 1), kept_rate(0, 2)), (75.0, 0.0))
        # start 10,000, sales 5,000, end 6,000 of which 4,000 not due: 9,000 of 11,000 collected
        self.assertEqual(cei(10000.0, 5000.0, 6000.0, 4000.0), 81.82)
        self.assertEqual(cei(0.0, 1000.0, 1000.0, 1000.0), None, "nothing was collectible")
        self.assertEqual(cei(1000.0, 0.0, 0.0, 0.0), 100.0)

    def test_roles(self):
        self.assertEqual(role_index(None), 1, "no level: the collector")
        self.assertEqual(role_index("salesperson"), 0)
        self.assertEqual(role_index("salesperson", 1), 1, "no response: the collector")
        self.assertEqual(role_index("credit_manager"), 2)
        self.assertEqual(role_index("finance_manager", 5), 3, "capped at the general manager")
        self.assertEqual(next_action_date("no_answer", date(2026, 3, 1)), date(2026, 3, 2))
        self.assertEqual(next_action_date("promise", date(2026, 3, 1), date(2026, 3, 9)), date(2026, 3, 10))

    def test_portfolio_and_rules(self):
        mapping = balance_portfolio([(1, 500.0), (2, 400.0), (3, 300.0), (4, 200.0)], ["ann", "bob"])
        self.assertEqual(mapping, {1: "ann", 2: "bob", 3: "bob", 4: "ann"})
        mapping = balance_portfolio([(1, 100.0), (2, 100.0)], ["ann", "bob"], {"ann": 1000.0})
        self.assertEqual(mapping, {1: "bob", 2: "bob"}, "the current loads count")
        self.assertEqual(balance_portfolio([(1, 1.0)], []), {})
        rules = [
            {"user_id": 7, "country_id": 33, "amount_min": 10000.0},
            {"user_id": 8, "country_id": 33},
            {"user_id": 9, "grade": "D"},
            {"user_id": 10},
        ]
        self.assertEqual(first_matching(rules, {"country_id": 33, "amount": 20000.0}), 7)
        self.assertEqual(first_matching(rules, {"country_id": 33, "amount": 500.0}), 8)
        self.assertEqual(first_matching(rules, {"country_id": 49, "grade": "D"}), 9)
        self.assertEqual(first_matching(rules, {"country_id": 49, "grade": "A"}), 10)
        self.assertIsNone(first_matching(rules[:1], {"country_id": 49}))
        self.assertEqual([aging_buckets(days) for days in (-3, 0, 1, 30, 31, 61, 91)], [0, 0, 1, 1, 2, 3, 4])
