from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestPromiseEvaluation(CollectionsCommon):
    """A promise is kept when reconciled payments reach it (tolerance), broken after its date
    plus the grace days; a broken one raises an alert, escalates and resumes the dunning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.invoice_due(cls.customer, 1000.0, -10)

    def setUp(self):
        super().setUp()
        self.task = self.refresh(self.customer)

    def promise(self, amount, offset=3, **vals):
        contact = self.log_contact(
            self.task, "promise", promise_amount=amount, promise_date=self.today + timedelta(days=offset), **vals
        )
        return contact.promise_id

    def evaluate(self, offset):
        return self.env["credit.promise"]._evaluate(self.company, self.today + timedelta(days=offset))

    def test_kept_on_reconciliation(self):
        promise = self.promise(600.0)
        self.pay(self.invoice, 400.0)
        self.assertEqual((promise.state, promise.amount_paid), ("open", 400.0), "evaluated on reconciliation")
        self.pay(self.invoice, 200.0)
        self.assertEqual((promise.state, promise.amount_paid, promise.date_settled), ("kept", 600.0, self.today))
        self.assertIn("kept (", promise.message_ids[0].body)
        self.assertFalse(
            self.env["credit.alert"].search(
                [("partner_id", "=", self.customer.id), ("alert_type", "=", "collection_promise")]
            )
        )
        self.assertEqual(self.task.escalation_step, 0)

    def test_partly_kept_is_broken_escalates_and_dunning_resumes(self):
        promise = self.promise(1000.0)
        self.assertFalse(self.communication(self.run_dunning(), self.customer), "promised: dunning paused")
        self.pay(self.invoice, 400.0)
        self.assertEqual(self.evaluate(3), [], "still open on its date")
        self.assertEqual(self.evaluate(4), promise.ids)
        self.assertEqual((promise.state, promise.amount_paid), ("broken", 400.0))
        self.assertIn("partly kept", promise.message_ids[0].body)
        alert = self.env["credit.alert"].search(
            [("partner_id", "=", self.customer.id), ("alert_type", "=", "collection_promise")]
        )
        self.assertEqual(len(alert), 1)
        self.assertIn("broke its promise to pay", alert.message)
        self.assertEqual(
            (self.task.escalation_step, self.task.role, self.task.user_id), (1, "finance_manager", self.finance)
        )
        self.assertEqual(self.task.broken_promise_count, 1)
        communication = self.communication(self.run_dunning(4), self.customer)
        self.assertTrue(communication.broken_promise, "the dunning resumes and escalates")
        self.assertEqual(promise.escalation_communication_id, communication)

    def test_broken_with_nothing_paid_and_grace_days(self):
        self.company.credit_promise_grace_days = 2
        promise = self.promise(500.0)
        self.assertEqual(promise.grace_days, 2)
        self.evaluate(5)
        self.assertEqual(promise.state, "open", "within the grace days")
        self.evaluate(6)
        self.assertEqual((promise.state, promise.amount_paid), ("broken", 0.0))
        self.assertIn("broken: nothing paid", promise.message_ids[0].body)

    def test_tolerance(self):
        self.company.credit_promise_tolerance = 2.0
        promise = self.promise(1000.0, move_id=self.invoice.id)
        self.assertEqual(promise.tolerance_pct, 2.0)
        self.pay(self.invoice, 980.0)
        self.assertEqual((promise.state, promise.amount_paid), ("kept", 980.0), "2% short: kept")

    def test_kept_rate_feeds_scoring(self):
        kept = self.promise(100.0)
        self.pay(self.invoice, 100.0)
        self.assertEqual(kept.state, "kept")
        broken = self.promise(200.0, offset=1)
        self.evaluate(2)
        self.assertEqual(broken.state, "broken")
        values, _figures = self.env["credit.score.figures"]._get_raw_values(self.customer, self.company, self.today)
        self.assertEqual(values[self.customer.id]["promise_kept_rate"], 50.0)
        other = self.new_customer("No Promises")
        self.invoice_due(other, 100.0, -5)
        values, _figures = self.env["credit.score.figures"]._get_raw_values(other, self.company, self.today)
        self.assertIsNone(values[other.id]["promise_kept_rate"], "no promise: the factor's neutral points")
        factor_types = dict(self.env["credit.scorecard.factor"]._fields["factor_type"].selection)
        self.assertIn("promise_kept_rate", factor_types)
        standard = self.env["credit.scorecard"]._get_default_factors()
        self.assertNotIn("promise_kept_rate", str(standard), "not in the standard scorecard")


@tagged("post_install", "-at_install", "credit_control")
class TestEscalationByRole(CollectionsCommon):
    """The dunning levels name who acts: the task and the activities follow; silence escalates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("credit_control.mail_template_credit_dunning")
        cls.chain = cls.env["credit.dunning.policy"].create(
            {
                "name": "By role",
                "company_id": cls.company.id,
                "level_ids": [
                    Command.create(
                        {
                            "name": name,
                            "delay_days": delay,
                            "mail_template_id": template.id,
                            "escalation_target": target,
                            "create_call_activity": call,
                        }
                    )
                    for name, delay, target, call in (
                        ("Friendly", 0, "salesperson", False),
                        ("Collector call", 7, "collector", True),
                        ("Formal letter", 15, "finance_manager", True),
                        ("The boss calls", 30, "general_manager", True),
                    )
                ],
            }
        )
        cls.customer.credit_dunning_policy_id = cls.chain
        cls.invoice = cls.invoice_due(cls.customer, 1000.0, -1)

    def test_chain_follows_the_levels(self):
        expected = [
            (0, "Friendly", "salesperson", self.salesman, False),
            (7, "Collector call", "collector", self.collector, False),
            (15, "Formal letter", "finance_manager", self.finance, False),
            (30, "The boss calls", "general_manager", self.boss, True),
        ]
        for offset, level, role, user, final in expected:
            with self.subTest(level=level):
                communication = self.communication(self.run_dunning(offset), self.customer)
                self.assertEqual(communication.level_id.name, level)
                task = self.refresh(self.customer, offset)
                self.assertEqual(
                    (task.level_id.name, task.role, task.user_id, task.final_level), (level, role, user, final)
                )
                if level != "Friendly":
                    self.assertEqual(communication.activity_id.user_id, user, "the call goes to that person")
        task = self.task_of(self.customer)
        self.assertEqual(
            task.activity_ids.mapped("user_id"), self.boss, "the task's activities moved along, to the boss at the end"
        )

    def test_no_response_escalates(self):
        self.customer.credit_dunning_policy_id = False
        task = self.refresh(self.customer)
        self.assertEqual((task.role, task.user_id), ("collector", self.collector))
        self.assertEqual(self.tasks._escalate_silent(self.company, self.today + timedelta(days=6)), [])
        self.log_contact(task, "no_answer")
        task.next_action_date = False
        self.assertEqual(
            self.tasks._escalate_silent(self.company, self.today + timedelta(days=8)), [], "a contact was logged"
        )
        task.last_contact_date = self.today - timedelta(days=1)
        self.assertEqual(self.tasks._escalate_silent(self.company, self.today + timedelta(days=8)), self.customer.ids)
        self.refresh(self.customer, 8)
        self.assertEqual(
            (task.role, task.user_id, task.role_date), ("finance_manager", self.finance, self.today + timedelta(days=8))
        )
        self.assertEqual(self.tasks._escalate_silent(self.company, self.today + timedelta(days=8)), [], "once")
        self.tasks._escalate_silent(self.company, self.today + timedelta(days=15))
        self.refresh(self.customer, 15)
        self.assertEqual((task.role, task.user_id), ("general_manager", self.boss))
        self.assertEqual(
            self.tasks._escalate_silent(self.company, self.today + timedelta(days=40)), [], "the last role"
        )
        self.company.credit_collection_escalation_days = 0
        self.assertEqual(self.tasks._escalate_silent(self.company, self.today + timedelta(days=90)), [])


@tagged("post_install", "-at_install", "credit_control")
class TestThrottles(CollectionsCommon):
    """Quiet days between two reminders to one customer (new); the minimum amount and one
    communication per customer at its highest level are the dunning's own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_due(cls.customer, 500.0, -8)
        cls.invoice_due(cls.customer, 300.0, 2)

    def test_without_quiet_days_two_reminders_in_three_days(self):
        self.assertEqual(self.communication(self.run_dunning(), self.customer).level_id.name, "First reminder")
        self.assertTrue(self.communication(self.run_dunning(3), self.customer), "the second invoice's level")

    def test_quiet_days(self):
        self.policy.quiet_days = 10
        first = self.communication(self.run_dunning(), self.customer)
        self.assertEqual(len(first), 1, "one communication for both items")
        self.assertEqual(first.level_id.name, "First reminder", "at the highest level")
        self.assertFalse(self.communication(self.run_dunning(3), self.customer), "quiet")
        self.assertTrue(self.communication(self.run_dunning(10), self.customer), "quiet days over")
        with self.assertRaisesText(Exception, "cannot be negative"):
            self.policy.quiet_days = -1
