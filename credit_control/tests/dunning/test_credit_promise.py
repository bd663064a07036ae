from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_dunning import DunningCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditPromise(DunningCommon):
    """A promise to pay is a record: open, then kept or broken (or cancelled by a newer one),
    kept as history; the dunning run settles it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.invoice_due(cls.customer, 1000.0, -8)
        cls.promises = cls.env["credit.promise"].with_user(cls.accountant)

    def promise(self, amount, offset, move=None, partner=None, **vals):
        """Record a promise as the accountant with the wizard, due ``offset`` days from today."""
        action = (move or partner).with_user(self.accountant).action_credit_record_promise()
        wizard = self.env["credit.dunning.promise"].with_user(self.accountant).browse(action["res_id"])
        wizard.write(dict({"promise_amount": amount, "promise_date": self.today + timedelta(days=offset)}, **vals))
        wizard.action_record()
        return self.promises.search([("partner_id", "=", self.customer.id)], order="id desc", limit=1)

    def test_open_then_kept(self):
        self.assertEqual(self.communication(self.run_dunning(), self.customer).level_id.name, "First reminder")
        promise = self.promise(600.0, 2, partner=self.customer, note="Paid in two parts, said the CFO")
        self.assertEqual(
            (promise.state, promise.move_id, promise.amount, promise.user_id, promise.date_since),
            ("open", self.env["account.move"], 600.0, self.accountant, self.today),
        )
        self.assertEqual(promise.currency_id, self.company.currency_id, "a customer promise: company currency")
        self.assertEqual(promise.amount_due, 1000.0, "the customer's overdue amount when promised")
        self.assertTrue(
            any("Paid in two parts" in str(message.body) for message in self.customer.message_ids),
            "the promise and its note on the customer's chatter",
        )
        self.assertFalse(self.communication(self.run_dunning(2), self.customer), "promised until day 2")
        self.assertEqual(promise.state, "open")
        self.pay(self.invoice, 400.0)
        self.pay(self.invoice, 200.0)
        run = self.run_dunning(3)
        self.assertEqual(promise.state, "kept")
        self.assertFalse(promise.escalation_communication_id)
        self.assertFalse(self.communication(run, self.customer), "kept: the normal delays apply (11 days late)")
        communication = self.communication(self.run_dunning(8), self.customer)
        self.assertEqual((communication.level_id.name, communication.broken_promise), ("Second reminder", False))
        self.assertEqual(communication.amount_due, 400.0)
        self.assertEqual(promise.state, "kept", "a kept promise stays kept")

    def test_open_then_broken_escalates_once_and_raises_an_alert(self):
        self.assertEqual(self.communication(self.run_dunning(), self.customer).level_id.name, "First reminder")
        promise = self.promise(1000.0, 3, move=self.invoice)
        self.assertEqual(
            (promise.move_id, promise.currency_id, promise.amount_due), (self.invoice, self.invoice.currency_id, 1000.0)
        )
        self.pay(self.invoice, 100.0)  # less than promised
        communication = self.communication(self.run_dunning(4), self.customer)
        self.assertEqual((communication.level_id.name, communication.broken_promise), ("Second reminder", True))
        self.assertIn("broken", communication.note)
        self.assertEqual((promise.state, promise.escalation_communication_id), ("broken", communication))
        self.assertTrue(
            any("broken: dunning escalated to Second reminder" in str(message.body) for message in promise.message_ids)
        )
        self.assertTrue(
            any(
                "broken: dunning escalated to Second reminder" in str(message.body)
                for message in self.invoice.message_ids
            )
        )
        alert = self.env["credit.alert"].search([("partner_id", "=", self.customer.id), ("alert_type", "=", "dunning")])
        self.assertEqual(len(alert), 1)
        self.assertIn("broke a promise to pay", alert.message)
        # once: the next days follow the normal delays, and the broken promise stays as history
        self.assertFalse(self.communication(self.run_dunning(5), self.customer))
        self.assertEqual(self.invoice.credit_promise_ids, promise)
        self.assertEqual(promise.state, "broken")

    def test_escalation_waits_for_a_sent_communication(self):
        promise = self.promise(1000.0, 1, move=self.invoice)
        preview = self.preview(2)
        self.assertEqual(promise.state, "broken", "settled by the run")
        self.assertTrue(preview.line_ids.broken_promise)
        preview.with_user(self.accountant).action_cancel()
        self.assertFalse(promise.escalation_communication_id, "not sent: not escalated")
        communication = self.communication(self.run_dunning(3), self.customer)
        self.assertTrue(communication.broken_promise, "the next run escalates it")
        self.assertEqual(promise.escalation_communication_id, communication)

    def test_newer_promise_replaces_the_open_one(self):
        first = self.promise(500.0, 3, move=self.invoice)
        on_customer = self.promise(800.0, 10, partner=self.customer)
        action = self.invoice.with_user(self.accountant).action_credit_record_promise()
        wizard = self.env["credit.dunning.promise"].with_user(self.accountant).browse(action["res_id"])
        self.assertEqual((wizard.promise_id, wizard.promise_amount), (first, 500.0), "filled in with the open one")
        wizard.write({"promise_amount": 700.0, "promise_date": self.today + timedelta(days=5)})
        wizard.action_record()
        self.invoice.invalidate_recordset(["credit_promise_ids"])
        second = self.invoice.credit_promise_ids - first
        self.assertEqual((first.state, second.state, second.amount), ("cancelled", "open", 700.0))
        self.assertEqual(on_customer.state, "open", "a promise on the invoice leaves the customer's alone")
        self.assertEqual(self.invoice.credit_promise_ids, first | second, "the history stays")
        # cleared: cancelled, nothing pauses the invoice any more
        action = self.invoice.with_user(self.accountant).action_credit_record_promise()
        self.env["credit.dunning.promise"].with_user(self.accountant).browse(action["res_id"]).action_clear()
        self.assertEqual(second.state, "cancelled")
        with self.assertRefused(UserError, "Only open promises to pay can be cancelled"):
            second.action_cancel()

    def test_invalid_promises_are_refused_and_nothing_is_written(self):
        refund = self.create_invoice(self.customer, 10.0, move_type="out_refund")
        other = self.new_customer("Beta Stores")
        other_invoice = self.invoice_due(other, 300.0, -5)
        company_2 = self.setup_other_company()["company"]
        self.accountant.write({"company_ids": [Command.link(company_2.id)]})
        invoice_2 = self.invoice_due(self.customer, 200.0, -5, company=company_2)
        base = {"partner_id": self.customer.id, "date": self.today + timedelta(days=3), "amount": 100.0}
        cases = [
            ({"amount": 0.0}, "The promised amount must be positive"),
            ({"amount": -5.0}, "The promised amount must be positive"),
            ({"date": self.today - timedelta(days=1)}, "cannot be dated in the past"),
            ({"partner_id": self.customer_contact.id}, "recorded on the customer Acme Retail, not on its contact"),
            ({"move_id": refund.id}, "Only customer invoices can be disputed or carry a promise to pay"),
            ({"move_id": other_invoice.id}, "is not an invoice of Acme Retail"),
        ]
        before = self.env["credit.promise"].search_count([])
        for vals, message in cases:
            with self.subTest(vals=vals), self.assertRefused(ValidationError, message):
                self.promises.create(dict(base, **vals))
        with self.assertRefused(UserError, "is not an invoice of Acme Retail|[Ii]ncompatible compan"):
            self.promises.create(dict(base, move_id=invoice_2.id))
        self.assertEqual(self.env["credit.promise"].search_count([]), before, "nothing written")
        # a wrong promise does not cancel the open one it would have replaced
        good = self.promises.create(base)
        with self.assertRefused(ValidationError, "The promised amount must be positive"):
            self.promises.create(dict(base, amount=0.0))
        self.assertEqual(good.state, "open")

    def test_access_and_companies(self):
        promise = self.promise(1000.0, 3, move=self.invoice)
        with self.assertRefused(AccessError, "not allowed to access"):
            promise.with_user(self.salesman).read(["state"])
        with self.assertRefused(AccessError, "not allowed to create"):
            self.env["credit.promise"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "date": self.today, "amount": 10.0}
            )
        company_2 = self.setup_other_company()["company"]
        accountant_2 = new_test_user(
            self.env,
            login="accountant_two",
            groups="base.group_user,account.group_account_invoice",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        self.assertFalse(self.env["credit.promise"].with_user(accountant_2).search([("id", "=", promise.id)]))
        # the screens: the invoice lists its promises, the customer counts them
        with Form(self.invoice.with_user(self.accountant)) as form:
            self.assertEqual(len(form.credit_promise_ids), 1)
        action = self.customer.with_user(self.accountant).action_view_credit_promises()
        self.assertEqual(self.env["credit.promise"].search(action["domain"]), promise)
        self.assertEqual(self.customer.with_user(self.accountant).credit_promise_count, 1)
