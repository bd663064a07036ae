from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ...lib.collections import age_weight, priority
from .common import CollectionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestWorklist(CollectionsCommon):
    """One task per overdue customer, ordered by priority, closed when paid."""

    def test_priority_order_buckets_and_closing(self):
        old = self.new_customer("Old Debts")
        fresh = self.new_customer("Fresh Debts")
        current = self.new_customer("Not Yet Due")
        self.invoice_due(self.customer, 1000.0, -40)
        self.invoice_due(old, 300.0, -100)
        self.invoice_due(old, 200.0, -20)
        fresh_invoice = self.invoice_due(fresh, 5000.0, -5)
        self.invoice_due(current, 9000.0, 10)
        partners = self.customer | old | fresh | current
        tasks = self.refresh(partners)
        self.assertEqual(tasks.partner_id, self.customer | old | fresh, "nothing overdue: no task")
        ordered = self.tasks.search([("id", "in", tasks.ids)])
        expected = {
            self.customer: priority(1000.0 * age_weight(40)),
            old: priority(300.0 * age_weight(100) + 200.0 * age_weight(20)),
            fresh: priority(5000.0 * age_weight(5)),
        }
        self.assertEqual(ordered.mapped("priority"), sorted(expected.values(), reverse=True))
        for task in ordered:
            self.assertAlmostEqual(task.priority, expected[task.partner_id], places=2)
        old_task = self.task_of(old)
        self.assertEqual(
            (
                old_task.amount_overdue,
                old_task.amount_1_30,
                old_task.amount_31_60,
                old_task.amount_over_90,
                old_task.days_overdue,
            ),
            (500.0, 200.0, 0.0, 300.0, 100),
        )
        self.assertEqual(
            (old_task.role, old_task.user_id, old_task.collector_id),
            ("collector", self.finance, self.env["res.users"]),
            "no collector and no rule: finance acts",
        )
        self.assertEqual(self.task_of(self.customer).user_id, self.collector, "the customer's collector")
        # refreshed again: the same tasks, updated, never a second one
        self.invoice_due(fresh, 1000.0, -5)
        self.refresh(partners)
        self.assertEqual(self.task_of(fresh).amount_overdue, 6000.0)
        self.assertEqual(self.tasks.search_count([("partner_id", "in", partners.ids)]), 3)
        # paid: reconciliation refreshes the task, which closes itself
        fresh_task = self.task_of(fresh)
        self.pay(fresh_invoice, 5000.0)
        self.assertEqual(fresh_task.state, "open", "still 1,000 overdue")
        self.assertEqual(fresh_task.amount_overdue, 1000.0, "refreshed on reconciliation")
        self.pay(fresh.invoice_ids.filtered(lambda move: move.payment_state == "not_paid"), 1000.0)
        self.assertEqual((fresh_task.state, fresh_task.date_closed), ("done", self.today))
        self.assertIn("no longer overdue", fresh_task.message_ids[0].body)
        # overdue again later: a new task, the closed one stays as history
        self.invoice_due(fresh, 50.0, -1)
        self.refresh(fresh)
        self.assertEqual(self.tasks.search_count([("partner_id", "=", fresh.id)]), 2)

    def test_net_of_credits_and_minimum(self):
        self.invoice_due(self.customer, 1000.0, -10)
        self.unapplied_payment(self.customer, 400.0)
        self.refresh(self.customer)
        self.assertEqual(self.task_of(self.customer).amount_overdue, 600.0, "unapplied payments net the overdue")
        self.company.credit_collection_min_amount = 700.0
        self.refresh(self.customer)
        self.assertFalse(self.task_of(self.customer), "below the minimum: closed")
        self.assertEqual(self.task_of(self.customer, "done").amount_overdue, 0.0)

    def test_cron_refreshes_every_company_and_salesperson_sees_own(self):
        self.invoice_due(self.customer, 1000.0, -10)
        other = self.new_customer("Other Shop", user_id=False)
        self.invoice_due(other, 500.0, -10)
        self.tasks._cron_refresh()
        task = self.task_of(self.customer)
        self.assertTrue(task)
        self.assertTrue(self.task_of(other))
        visible = self.tasks.with_user(self.salesman).search([("partner_id", "in", (self.customer | other).ids)])
        self.assertEqual(visible, task, "a salesperson sees the tasks of its customers only")
        with self.assertRaisesText(AccessError, "not allowed to create"):
            self.env["credit.collection.contact"].with_user(self.salesman).create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "user_id": self.salesman.id,
                    "outcome": "reached",
                }
            )
        # the friendly level is the salesperson's: the dialog logs its contact
        contact = self.log_contact(task, "reached", user=self.salesman, note="Called the buyer")
        self.assertEqual((contact.user_id, task.with_user(self.salesman).last_outcome), (self.salesman, "reached"))
        self.assertEqual(self.env["credit.collection.contact"].with_user(self.salesman).search([]), contact)


@tagged("post_install", "-at_install", "credit_control")
class TestCollectorAssignment(CollectionsCommon):
    """The customer's collector, else the first rule that fits; the wizard rebalances."""

    def test_rules_decide_without_a_collector(self):
        germany = self.env.ref("base.de")
        rules = self.env["credit.collection.rule"]
        rules.create({"sequence": 1, "user_id": self.collector_2.id, "amount_min": 4000.0})
        rules.create({"sequence": 2, "user_id": self.collector.id, "country_id": self.france.id})
        rules.create({"sequence": 3, "user_id": self.finance.id, "grade": "D"})
        big = self.new_customer("Big German", country_id=germany.id)
        french = self.new_customer("Petit Francais", country_id=self.france.id)
        other = self.new_customer("Elsewhere", country_id=germany.id)
        own = self.new_customer("Own Collector", country_id=self.france.id)
        own.credit_collector_id = self.boss
        for partner, amount in ((big, 5000.0), (french, 100.0), (other, 100.0), (own, 9000.0)):
            self.invoice_due(partner, amount, -10)
        self.refresh(big | french | other | own)
        self.assertEqual(self.task_of(big).collector_id, self.collector_2, "amount band")
        self.assertEqual(self.task_of(french).collector_id, self.collector, "country")
        self.assertEqual(self.task_of(other).collector_id, self.env["res.users"], "no rule fits")
        self.assertEqual(self.task_of(own).collector_id, self.boss, "the customer's own collector first")
        with self.assertRaisesText(Exception, "must end above"):
            rules.create({"user_id": self.collector.id, "amount_min": 100.0, "amount_max": 50.0})

    def test_wizard_rebalances_a_portfolio(self):
        partners = self.env["res.partner"]
        for index, amount in enumerate((5000.0, 4000.0, 3000.0, 1000.0)):
            partner = self.new_customer("Portfolio %s" % index)
            partner.credit_collector_id = self.collector
            self.invoice_due(partner, amount, -10)
            partners |= partner
        self.refresh(partners)
        wizard = (
            self.env["credit.collection.assign"]
            .with_user(self.credit_manager)
            .create(
                {
                    "from_user_ids": [Command.set(self.collector.ids)],
                    "user_ids": [Command.set((self.collector | self.collector_2).ids)],
                    "keep_loads": False,
                }
            )
        )
        wizard.action_assign()
        tasks = self.tasks.search([("partner_id", "in", partners.ids)])
        loads = {}
        for task in tasks:
            loads[task.collector_id] = loads.get(task.collector_id, 0.0) + task.amount_overdue
        self.assertEqual(loads, {self.collector: 6000.0, self.collector_2: 7000.0})
        self.assertEqual(partners[0].credit_collector_id, self.collector, "the largest first, to the first")
        self.assertEqual(partners[1].credit_collector_id, self.collector_2)
        self.assertEqual(tasks.filtered(lambda task: task.partner_id == partners[1]).user_id, self.collector_2)
        with self.assertRaisesText(UserError, "Select open worklist tasks"):
            self.env["credit.collection.assign"].create(
                {"user_ids": [Command.set(self.collector.ids)], "from_user_ids": [Command.set(self.boss.ids)]}
            ).action_assign()


@tagged("post_install", "-at_install", "credit_control")
class TestContactOutcomes(CollectionsCommon):
    """Every outcome of a contact, logged in one dialog from the task."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.invoice_due(cls.customer, 1000.0, -10)

    def setUp(self):
        super().setUp()
        self.task = self.refresh(self.customer)

    def test_each_outcome(self):
        cases = [
            ("reached", 7, "Reached"),
            ("no_answer", 1, "No answer"),
            ("wrong_number", 1, "Wrong number"),
            ("paid", 3, "Says paid"),
        ]
        for outcome, days, label in cases:
            with self.subTest(outcome=outcome):
                contact = self.log_contact(self.task, outcome, note="Spoke to %s" % outcome)
                self.assertEqual(
                    (contact.outcome, contact.user_id, contact.partner_id, contact.next_action_date),
                    (outcome, self.collector, self.customer, self.today + timedelta(days=days)),
                )
                self.assertEqual(
                    (self.task.last_outcome, self.task.last_contact_date, self.task.next_action_date),
                    (outcome, self.today, self.today + timedelta(days=days)),
                )
                note = self.customer.message_ids[0]
                self.assertIn("Collection contact by Colin Collect: %s." % label, note.body)
                self.assertIn("Spoke to %s" % outcome, note.body)
        self.assertEqual(len(self.task.contact_ids), 4)
        self.assertEqual(self.task.user_id, self.collector, "no escalation")

    def test_promise_creates_the_promise(self):
        contact = self.log_contact(
            self.task, "promise", promise_amount=600.0, promise_date=self.today + timedelta(days=5), note="CFO"
        )
        promise = contact.promise_id
        self.assertEqual(
            (promise.partner_id, promise.amount, promise.date, promise.state, promise.contact_id, promise.user_id),
            (self.customer, 600.0, self.today + timedelta(days=5), "open", contact, self.collector),
        )
        self.assertEqual(contact.next_action_date, self.today + timedelta(days=6), "the day after the promise")
        self.assertIn("Promise to pay", self.customer.message_ids[0].body)
        self.assertIn(promise, self.task.promise_ids)
        # on one invoice
        contact = self.log_contact(self.task, "promise", move_id=self.invoice.id, promise_date=self.today)
        self.assertEqual((contact.promise_id.move_id, contact.promise_id.amount), (self.invoice, 1000.0))

    def test_dispute_pauses_the_dunning(self):
        contact = self.log_contact(self.task, "dispute", move_id=self.invoice.id, note="Goods damaged")
        self.assertEqual(contact.dispute_move_id, self.invoice)
        self.assertTrue(self.invoice.credit_dunning_dispute)
        self.assertFalse(self.communication(self.run_dunning(), self.customer), "disputed: no reminder")
        self.log_contact(self.task, "dispute")
        self.assertTrue(self.customer.credit_dunning_dispute, "no invoice: the customer disputes")

    def test_refusal_escalates_and_closed_task_refuses(self):
        self.log_contact(self.task, "refused", note="Will not pay")
        self.assertEqual(
            (self.task.role, self.task.user_id, self.task.escalation_step), ("finance_manager", self.finance, 1)
        )
        activity = self.task.activity_ids
        self.assertEqual(activity.user_id, self.finance, "the new person is told")
        self.pay(self.invoice, 1000.0)
        self.assertEqual(self.task.state, "done")
        with self.assertRaisesText(UserError, "This worklist task is closed"):
            self.log_contact(self.task, "reached")
