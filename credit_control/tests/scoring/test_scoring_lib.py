from odoo.tests import BaseCase, tagged

from ...lib.scoring import (
    FactorResult,
    ScoringError,
    check_bands,
    check_grades,
    grade_index,
    limit_cut_due,
    normalise_weights,
    paying_later,
    points_from_bands,
    points_linear,
    score_of,
    suggested_limit,
)


@tagged("post_install", "-at_install", "credit_control")
class TestScoringLib(BaseCase):
    """The scorecard arithmetic, without a database."""

    def test_points_linear_both_directions_and_clamped(self):
        self.assertEqual(points_linear(75.0, 50.0, 100.0), 50.0)
        self.assertEqual(points_linear(40.0, 50.0, 100.0), 0.0)
        self.assertEqual(points_linear(120.0, 50.0, 100.0), 100.0)
        # fewer is better: 0 days late is 100 points, 60 days late 0
        self.assertEqual(points_linear(15.0, 60.0, 0.0), 75.0)
        with self.assertRaises(ScoringError):
            points_linear(1.0, 5.0, 5.0)

    def test_bands_points_and_edges(self):
        bands = [(0, 1, 100), (1, 31, 60), (31, 61, 20)]
        self.assertEqual(points_from_bands(0, bands), 100.0)
        self.assertEqual(points_from_bands(30.9, bands), 60.0)
        self.assertEqual(points_from_bands(31, bands), 20.0)
        self.assertEqual(points_from_bands(500, bands), 20.0, "above the last band: the last band")
        self.assertEqual(points_from_bands(-3, bands), 100.0, "below the first band: the first band")

    def test_bands_refused(self):
        with self.assertRaises(ScoringError) as gap:
            check_bands([(0, 10, 100), (20, 30, 50)])
        self.assertEqual((gap.exception.reason, gap.exception.details), ("gap", {"value_from": 10, "value_to": 20}))
        with self.assertRaises(ScoringError) as overlap:
            check_bands([(0, 10, 100), (5, 30, 50)])
        self.assertEqual(overlap.exception.reason, "overlap")
        for bad, reason in (([], "no_bands"), ([(5, 5, 10)], "empty_band"), ([(0, 5, 120)], "band_points")):
            with self.assertRaises(ScoringError) as error:
                check_bands(bad)
            self.assertEqual(error.exception.reason, reason)

    def test_weights_normalised_and_score(self):
        self.assertEqual(normalise_weights([1, 3]), [0.25, 0.75])
        for bad, reason in (([0, 0], "zero_weight"), ([], "zero_weight"), ([2, -1], "negative_weight")):
            with self.assertRaises(ScoringError) as error:
                normalise_weights(bad)
            self.assertEqual(error.exception.reason, reason)
        results = [FactorResult("manual", 75.0, 75.0, 0.25), FactorResult("overdue_ratio", 0.0, 100.0, 0.75)]
        self.assertEqual(score_of(results), 93.75)
        self.assertEqual(results[0].contribution, 18.75)

    def test_grades(self):
        minimums = [80.0, 60.0, 40.0, 0.0]
        self.assertEqual(grade_index(80.0, minimums), 0)
        self.assertEqual(grade_index(79.99, minimums), 1)
        self.assertEqual(grade_index(40.0, minimums), 2)
        self.assertEqual(grade_index(0.0, minimums), 3)
        check_grades(minimums)
        for bad, reason in (
            ([], "no_grades"),
            ([80.0, 80.0, 0.0], "grade_overlap"),
            ([80.0, 40.0], "grade_gap"),
            ([120.0, 0.0], "grade_range"),
        ):
            with self.assertRaises(ScoringError) as error:
                check_grades(bad)
            self.assertEqual(error.exception.reason, reason)

    def test_suggested_limit_and_cut(self):
        self.assertEqual(suggested_limit(15000.0, 8.0), 1200.0)
        self.assertEqual(suggested_limit(15049.0, 10.0), 1500.0, "rounded down to hundreds")
        self.assertEqual(suggested_limit(100000.0, 25.0, cap=10000.0), 10000.0)
        self.assertEqual(suggested_limit(-500.0, 25.0), 0.0)
        self.assertTrue(limit_cut_due(20000.0, 1200.0, 20.0, grade_dropped=True))
        self.assertTrue(limit_cut_due(1000.0, 800.0, 20.0, grade_dropped=False))
        self.assertFalse(limit_cut_due(1000.0, 850.0, 20.0, grade_dropped=False))
        self.assertFalse(limit_cut_due(1000.0, 1500.0, 20.0, grade_dropped=True), "never raised")
        self.assertFalse(limit_cut_due(0.0, 500.0, 20.0, grade_dropped=True), "no limit: left alone")
        self.assertFalse(limit_cut_due(1000.0, 0.0, 20.0, grade_dropped=True), "no suggestion: left alone")

    def test_paying_later(self):
        self.assertTrue(paying_later(2.0, 20.0, 5.0))
        self.assertFalse(paying_later(2.0, 6.0, 5.0))
        self.assertFalse(paying_later(None, 20.0, 5.0))
