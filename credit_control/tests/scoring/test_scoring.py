from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestScoringFactors(CreditControlCommon):
    """The raw value of each factor, from constructed payment histories."""

    def raw(self, partner, today=None):
        values, _figures = self.env["credit.score.figures"]._get_raw_values(partner, self.company, today or self.today)
        return values[partner.commercial_partner_id.id]

    def test_on_time_ratio_and_days_late_with_partial_payments(self):
        # 1,000 due 60 days ago: 600 paid 5 days before due, 400 paid 10 days after
        invoice = self.create_invoice(self.customer, 1000.0, days_ago=90, due_in=30)
        due = invoice.invoice_date_due
        self.pay(invoice, 600.0, payment_date=due - timedelta(days=5))
        self.pay(invoice, 400.0, payment_date=due + timedelta(days=10))
        # 500 due 15 days ago, unpaid
        self.create_invoice(self.customer_contact, 500.0, days_ago=45, due_in=30)
        raw = self.raw(self.customer)
        self.assertAlmostEqual(raw["on_time_ratio"], 40.0, places=2, msg="600 of 1,500 due paid on time")
        self.assertAlmostEqual(raw["avg_days_late"], 4.0, places=2, msg="(600 × 0 + 400 × 10) / 1,000")
        self.assertAlmostEqual(raw["overdue_ratio"], 100.0, places=2)
        self.assertEqual(raw["oldest_overdue_days"], 15)
        self.assertAlmostEqual(raw["volume_12m"], 1500.0, places=2)

    def test_refund_reconciled_before_due_counts_on_time(self):
        invoice = self.create_invoice(self.customer, 1000.0, days_ago=40, due_in=30)
        refund = self.create_invoice(self.customer, 1000.0, days_ago=35, move_type="out_refund")
        (invoice + refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        raw = self.raw(self.customer)
        self.assertAlmostEqual(raw["on_time_ratio"], 100.0, places=2)
        self.assertAlmostEqual(raw["avg_days_late"], 0.0, places=2)
        self.assertAlmostEqual(raw["volume_12m"], 0.0, places=2, msg="invoiced net of refunds")
        self.assertEqual(raw["overdue_ratio"], 0.0)

    def test_foreign_currency_in_company_currency(self):
        other = self.setup_other_currency("EUR")  # 2 EUR for 1 company unit
        invoice = self.create_invoice(self.customer, 2000.0, days_ago=70, due_in=30, currency=other)
        self.pay(invoice, 2000.0, payment_date=invoice.invoice_date_due + timedelta(days=20))
        raw = self.raw(self.customer)
        self.assertAlmostEqual(raw["volume_12m"], 1000.0, places=2)
        self.assertAlmostEqual(raw["avg_days_late"], 20.0, places=2)
        self.assertAlmostEqual(raw["on_time_ratio"], 0.0, places=2)

    def test_reconciled_after_due_date_is_late(self):
        invoice = self.create_invoice(self.customer, 300.0, days_ago=60, due_in=30)
        self.pay(invoice, 300.0, payment_date=invoice.invoice_date_due + timedelta(days=7))
        raw = self.raw(self.customer)
        self.assertAlmostEqual(raw["on_time_ratio"], 0.0, places=2)
        self.assertAlmostEqual(raw["avg_days_late"], 7.0, places=2)
        self.assertEqual(raw["overdue_ratio"], 0.0, "paid: nothing overdue now")

    def test_relationship_age_volume_and_unknowns(self):
        self.create_invoice(self.customer, 400.0, days_ago=730)
        self.create_invoice(self.customer, 1000.0, days_ago=100)
        self.create_invoice(self.customer, 200.0, days_ago=30, move_type="out_refund")
        self.customer.credit_manual_rating = "good"
        raw = self.raw(self.customer)
        self.assertAlmostEqual(raw["relationship_age"], 2.0, places=2)
        self.assertAlmostEqual(raw["volume_12m"], 800.0, places=2)
        self.assertEqual(raw["manual"], 75.0)
        self.assertIsNone(raw["registry_status"], "no registry data: unknown")
        self.assertIsNone(raw["company_age"])
        self.assertEqual(raw["dunning_levels"], 0)

    def test_customer_without_history(self):
        raw = self.raw(self.customer)
        self.assertIsNone(raw["on_time_ratio"])
        self.assertIsNone(raw["avg_days_late"])
        self.assertIsNone(raw["relationship_age"])
        self.assertEqual(raw["overdue_ratio"], 0.0)


@tagged("post_install", "-at_install", "credit_control")
class TestScoring(CreditControlCommon):
    """Scores, grades, the explanation, history, automatic limit cuts and alerts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scorecard = cls.env["credit.scorecard"]._get_default(cls.company)

    def score(self, partner=None, today=None, scorecard=None):
        self.env["credit.score"]._run_scoring(
            self.company, partners=partner or self.customer, today=today or self.today, scorecard=scorecard
        )
        partner = (partner or self.customer).commercial_partner_id
        partner.invalidate_recordset()
        return partner

    def alerts(self, alert_type):
        return self.env["credit.alert"].search([("partner_id", "=", self.customer.id), ("alert_type", "=", alert_type)])

    def test_standard_scorecard_new_customer(self):
        self.assertEqual(len(self.scorecard.factor_ids), 10)
        self.assertEqual(self.scorecard.grade_ids.mapped("name"), ["A", "B", "C", "D"])
        partner = self.score()
        # unknown history scores the neutral 50 points; nothing overdue, no dunning: full points;
        # no sales in 12 months: 0 points for volume
        self.assertAlmostEqual(partner.credit_score, 62.5, places=1)
        self.assertEqual(partner.credit_grade, "B")
        self.assertEqual(partner.credit_score_date, self.today)
        self.assertEqual(partner.credit_suggested_limit, 0.0)
        explanation = partner.credit_score_explanation
        for text in ("On-time payment ratio (%)", "unknown (neutral)", "Manual rating (0-100)", "62.5", "grade B"):
            self.assertIn(text, explanation)
        # a contact shows its company's score
        self.assertEqual(self.customer_contact.credit_grade, "B")

    def test_weights_normalised(self):
        scorecard = self.env["credit.scorecard"].create(
            {
                "name": "Two factors",
                "company_id": self.company.id,
                "factor_ids": [
                    Command.create({"factor_type": "manual", "weight": 1, "worst_value": 0, "best_value": 100}),
                    Command.create({"factor_type": "overdue_ratio", "weight": 3, "worst_value": 50, "best_value": 0}),
                ],
                "grade_ids": [
                    Command.create({"name": "A", "min_score": 90}),
                    Command.create({"name": "Z", "min_score": 0, "policy": "prepayment"}),
                ],
            }
        )
        self.assertEqual(scorecard.factor_ids.mapped("weight_percent"), [25.0, 75.0])
        self.customer.credit_manual_rating = "good"
        partner = self.score(scorecard=scorecard)
        self.assertEqual(partner.credit_score, 93.8, "25% × 75 + 75% × 100 = 93.75, shown with one decimal")
        self.assertEqual(partner.credit_grade, "A")
        score = self.env["credit.score"].search([("partner_id", "=", self.customer.id), ("is_current", "=", True)])
        self.assertEqual(
            [(line["code"], line["points"], line["weight"]) for line in score.factor_values],
            [("manual", 75.0, 0.25), ("overdue_ratio", 100.0, 0.75)],
        )

    def test_bad_scorecards_refused(self):
        count = self.env["credit.scorecard"].search_count([])
        grades = [Command.create({"name": "A", "min_score": 0})]
        factor = {"factor_type": "manual", "weight": 1, "worst_value": 0, "best_value": 100}

        def banded(second_from):
            """A band factor: [0, 10) then [second_from, 30)."""
            bands = [(0, 10, 100), (second_from, 30, 0)]
            return [
                Command.create(
                    dict(
                        factor,
                        mapping="bands",
                        band_ids=[Command.create({"value_from": f, "value_to": t, "points": p}) for f, t, p in bands],
                    )
                )
            ]

        cases = [
            ({"factor_ids": [], "grade_ids": grades}, "needs at least one factor"),
            ({"factor_ids": [Command.create(dict(factor, weight=0))], "grade_ids": grades}, "add up to zero"),
            (
                {
                    "factor_ids": [Command.create(factor)],
                    "grade_ids": [
                        Command.create({"name": "A", "min_score": 60}),
                        Command.create({"name": "B", "min_score": 60}),
                        Command.create({"name": "C", "min_score": 0}),
                    ],
                },
                "grade bands cannot overlap",
            ),
            (
                {"factor_ids": [Command.create(factor)], "grade_ids": [Command.create({"name": "A", "min_score": 50})]},
                "must start at 0",
            ),
            ({"factor_ids": banded(20), "grade_ids": grades}, "leave a gap from 10.0 to 20.0"),
            ({"factor_ids": banded(5), "grade_ids": grades}, "overlap"),
            ({"factor_ids": [Command.create(dict(factor, best_value=0))], "grade_ids": grades}, "must differ"),
        ]
        for vals, message in cases:
            with self.subTest(message=message), self.assertRaisesText(ValidationError, message):
                self.env["credit.scorecard"].create(dict(vals, name="Bad", company_id=self.company.id))
        self.assertEqual(self.env["credit.scorecard"].search_count([]), count, "nothing half-written")
        # the company's default scorecard is a company field: a new default replaces the old one
        second = self.env["credit.scorecard"].create(
            {"name": "Second", "is_default": True, "factor_ids": [Command.create(factor)], "grade_ids": grades}
        )
        self.assertEqual(self.company.credit_scorecard_id, second)
        self.assertEqual(self.env["credit.scorecard"].search([("is_default", "=", True)]), second)
        self.assertFalse(self.scorecard.is_default)
        with self.assertRaisesText(ValidationError, "choose another default before archiving it"):
            second.active = False

    def test_history_answers_grade_on_date(self):
        day1 = self.today - timedelta(days=20)
        self.score(today=day1)
        self.create_invoice(self.customer, 900.0, days_ago=80, due_in=30)
        day2 = self.today - timedelta(days=10)
        self.score(today=day2)
        self.score(today=day2)  # unchanged: no new row
        self.score(today=self.today)  # the ages drift by less than half a point: no new row either
        scores = self.env["credit.score"].search([("partner_id", "=", self.customer.id)], order="date")
        self.assertEqual(len(scores), 2)
        self.assertEqual(scores.mapped("is_current"), [False, True])
        self.assertEqual(scores[1].checked_date, self.today)
        history = self.env["credit.score"]
        self.assertEqual(history._score_on(self.customer, self.company, day1 + timedelta(days=5)).grade, "B")
        later = history._score_on(self.customer_contact, self.company, day2)
        self.assertEqual(later, scores[1])
        self.assertLess(later.score, scores[0].score)
        self.assertFalse(history._score_on(self.customer, self.company, day1 - timedelta(days=1)))

    def test_apply_suggested_limit_and_salesperson_read_only(self):
        self.create_invoice(self.customer, 10000.0, days_ago=100, due_in=30)
        self.pay(self.customer.invoice_ids, 10000.0, payment_date=self.today - timedelta(days=75))
        partner = self.score()
        self.assertEqual(partner.credit_grade, "A")
        self.assertEqual(partner.credit_suggested_limit, 2500.0, "25% of 10,000 invoiced")
        as_salesman = self.customer.with_user(self.salesman)
        self.assertEqual(as_salesman.credit_grade, "A")
        self.assertIn("On-time payment ratio (%)", as_salesman.credit_score_explanation)
        with self.assertRaisesText(AccessError, "Only credit managers can change"):
            as_salesman.action_credit_apply_suggested_limit()
        with self.assertRaisesText(AccessError, "Only credit managers can change"):
            as_salesman.write({"credit_manual_rating": "excellent"})
        with self.assertRaisesText(AccessError, "Only credit users can compute credit scores"):
            as_salesman.action_credit_compute_score()
        with self.assertRaisesText(AccessError, "not allowed to modify"):
            self.scorecard.with_user(self.salesman).write({"name": "Mine"})
        self.assertFalse(self.customer.credit_manual_rating)
        self.customer.with_user(self.credit_manager).action_credit_apply_suggested_limit()
        self.assertEqual(self.customer.credit_limit, 2500.0)
        self.env.cr.precommit.run()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("field_id.name", "=", "credit_limit"),
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", self.customer.id),
            ],
            order="id desc",
        )
        self.assertEqual((tracked[:1].old_value_float, tracked[:1].new_value_float), (1000.0, 2500.0))

    def test_apply_without_score_refused(self):
        with self.assertRaisesText(UserError, "has no credit score yet"):
            self.customer.action_credit_apply_suggested_limit()
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_automatic_limit_cut_on_grade_drop(self):
        self.company.credit_auto_limit_cut = True
        self.customer.credit_limit = 20000.0
        invoice = self.create_invoice(self.customer, 10000.0, days_ago=100, due_in=30)
        self.pay(invoice, 10000.0, payment_date=invoice.invoice_date_due - timedelta(days=1))
        self.assertEqual(self.score().credit_grade, "A")
        self.assertEqual(self.customer.credit_limit, 20000.0, "a first score never cuts")
        self.create_invoice(self.customer, 5000.0, days_ago=70, due_in=30)  # now 40 days overdue
        partner = self.score()
        self.assertEqual(partner.credit_grade, "C")
        self.assertEqual(partner.credit_suggested_limit, 1200.0, "8% of 15,000")
        self.assertEqual(self.customer.credit_limit, 1200.0)
        note = self.customer.message_ids.filtered(lambda m: "Credit limit cut automatically" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("grade dropped from A to C", note.body)
        cut = self.alerts("limit_cut")
        self.assertEqual(len(cut), 1)
        self.assertEqual(cut.user_id, self.customer.user_id)
        self.assertEqual(len(self.alerts("grade_drop")), 1)
        self.assertIn(self.credit_manager.partner_id, cut.message_follower_ids.partner_id)
        # the customer pays: the grade rises again, the limit stays where it was cut
        self.pay(self.customer.invoice_ids.filtered(lambda m: m.amount_residual), 5000.0)
        self.score()
        self.assertEqual(self.customer.credit_limit, 1200.0, "increases are never automatic")

    def test_no_automatic_cut_when_off(self):
        self.customer.credit_limit = 20000.0
        invoice = self.create_invoice(self.customer, 10000.0, days_ago=100, due_in=30)
        self.pay(invoice, 10000.0, payment_date=invoice.invoice_date_due - timedelta(days=1))
        self.score()
        self.create_invoice(self.customer, 5000.0, days_ago=70, due_in=30)
        self.assertEqual(self.score().credit_grade, "C")
        self.assertEqual(self.customer.credit_limit, 20000.0)
        self.assertFalse(self.alerts("limit_cut"))

    def test_first_score_alerts_on_the_state_not_on_drops(self):
        """A customer 45 days overdue at 95% of its limit gets its alerts at its first score."""
        self.create_invoice(self.customer, 950.0, days_ago=75, due_in=30)
        self.score()
        alerts = self.env["credit.alert"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(sorted(alerts.mapped("alert_type")), ["exposure", "new_overdue"])
        self.assertIn("45 days overdue", self.alerts("new_overdue").message)
        self.score()
        self.assertEqual(len(self.env["credit.alert"].search([("partner_id", "=", self.customer.id)])), 2)

    def test_alerts_fire_once_per_event(self):
        late = self.create_invoice(self.customer, 500.0, days_ago=75, due_in=30)  # 45 days overdue
        self.score(today=self.today - timedelta(days=20))  # baseline: 25 days overdue, 50% of the limit
        recent = self.create_invoice(self.customer, 450.0)  # now 95% of the limit
        for _run in range(3):
            self.score()
        exposure = self.alerts("exposure")
        self.assertEqual(len(exposure), 1)
        self.assertIn("90", exposure.message)
        self.assertEqual(exposure.state, "new")
        overdue = self.alerts("new_overdue")
        self.assertEqual(len(overdue), 1)
        self.assertIn("45 days overdue", overdue.message)
        # the responsible people are told in the chatter
        self.assertIn(self.credit_manager.partner_id, exposure.message_follower_ids.partner_id)
        self.assertTrue(exposure.message_ids.filtered(lambda m: "reached 90" in (m.body or "")))
        exposure.with_user(self.credit_manager).action_acknowledge()
        self.assertEqual((exposure.state, exposure.acknowledged_by_id), ("acknowledged", self.credit_manager))
        with self.assertRaisesText(UserError, "Only credit users"):
            exposure.with_user(self.salesman).action_acknowledge()
        # paid then over again: a new event
        self.pay(late, 500.0)
        self.pay(recent, 450.0)
        self.score()
        self.create_invoice(self.customer, 990.0)
        self.score()
        self.assertEqual(len(self.alerts("exposure")), 2)

    def test_paying_later_alert(self):
        first = self.create_invoice(self.customer, 500.0, days_ago=180, due_in=30)
        self.pay(first, 500.0, payment_date=first.invoice_date_due + timedelta(days=2))
        second = self.create_invoice(self.customer, 500.0, days_ago=70, due_in=30)
        self.pay(second, 500.0, payment_date=second.invoice_date_due + timedelta(days=20))
        self.score()
        self.score()
        alert = self.alerts("days_late_trend")
        self.assertEqual(len(alert), 1)
        self.assertIn("20.0 days late", alert.message)
        self.assertIn("against 2.0 days", alert.message)

    def test_score_drop_alert_and_settings_off(self):
        self.score()
        self.create_invoice(self.customer, 300.0, days_ago=100, due_in=30)  # 70 days overdue
        self.score()
        drops = self.alerts("grade_drop") | self.alerts("score_drop")
        self.assertEqual(len(drops), 1)
        self.company.credit_alert_score = False
        self.create_invoice(self.customer, 300.0, days_ago=200, due_in=30)
        self.score()
        self.assertEqual(len(self.alerts("grade_drop") | self.alerts("score_drop")), 1)

    def test_prepayment_grade_holds_orders(self):
        self.scorecard.grade_ids.filtered(lambda grade: grade.name == "B").policy = "prepayment"
        self.score()
        order = self.create_order(self.customer, 100.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_hold_ids.reason_ids.mapped("rule"), ["grade_policy"])
        self.assertIn("is graded B (score 62.5): prepayment only", order.credit_hold_ids.reason_summary)
        reason = order.credit_hold_ids.reason_ids
        self.assertEqual((reason.value, reason.threshold), (0.0, 0.0), "a score is not an amount")
        partner = self.figures_of(self.customer)
        self.assertEqual((partner.credit_blocked, partner.credit_available), (True, 0.0))

    def test_cron_scores_active_customers_once_a_day(self):
        self.create_invoice(self.customer, 100.0)
        quiet = self.env["res.partner"].create({"name": "Quiet Ltd", "is_company": True})
        self.env["credit.score"]._cron_compute_scores()
        scores = self.env["credit.score"].search([("partner_id", "in", (self.customer | quiet).ids)])
        self.assertEqual(scores.partner_id, self.customer, "customers without activity are not scored")
        self.assertEqual(self.env["credit.score"]._pending_partner_ids(self.company, self.today), [])
        self.env["credit.score"]._cron_compute_scores()
        self.assertEqual(self.env["credit.score"].search_count([("partner_id", "=", self.customer.id)]), 1)

    def test_search_by_grade(self):
        other = self.env["res.partner"].create({"name": "Other Ltd", "is_company": True})
        self.score(partner=self.customer | other)
        self.env["credit.score"].search([("partner_id", "=", other.id)]).sudo().grade = "C"
        found = self.env["res.partner"].search([("credit_grade", "=", "B"), ("id", "in", (self.customer | other).ids)])
        self.assertEqual(found, self.customer)
        found = self.env["res.partner"].search([("credit_grade", "in", ["C"]), ("is_company", "=", True)])
        self.assertIn(other, found)

    def test_factor_grade_and_band_records_are_checked_on_their_own(self):
        """Writing a factor, grade or band directly is checked as the scorecard form is."""
        factors = self.scorecard.factor_ids
        with self.assertRaisesText(ValidationError, "add up to zero"):
            factors.write({"weight": 0.0})
        self.assertTrue(all(factors.mapped("weight")), "nothing half-written")
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            factors[:1].weight = -5.0
        grade_b = self.scorecard.grade_ids.filtered(lambda grade: grade.name == "B")
        with self.assertRaisesText(ValidationError, "grade bands cannot overlap"):
            grade_b.min_score = 80.0
        with self.assertRaisesText(ValidationError, "between 0 and 100"):
            grade_b.min_score = 120.0
        self.assertEqual(grade_b.min_score, 60.0)
        banded = factors.filtered(lambda factor: factor.mapping == "bands")[:1]
        with self.assertRaisesText(ValidationError, "overlap"):
            banded.band_ids[:1].value_to = banded.band_ids[1:2].value_to + 1
        # scoring still works afterwards
        self.score()
        self.assertTrue(self.customer.credit_grade)
