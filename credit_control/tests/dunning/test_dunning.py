import io
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import lxml.html
import psycopg2
from freezegun import freeze_time

from odoo import Command, _
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger
from odoo.tools.pdf import PdfFileReader

from ...models.dunning.credit_dunning_communication import STATEMENT_REPORT
from ...models.dunning.ir_actions_report import wkhtmltopdf_renders_batches
from ..common import CreditControlCommon

RUN_LOGGER = "odoo.addons.credit_control.models.dunning.credit_dunning_run"
COMMUNICATION_LOGGER = "odoo.addons.credit_control.models.dunning.credit_dunning_communication"


class DunningCommon(CreditControlCommon):
    """The standard dunning policy, an accountant who runs it and customers with addresses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo invoices of the database are not part of these tests
        cls.env["account.move"].flush_model(["credit_dunning_dispute", "state", "move_type"])
        cls.env.cr.execute(
            SQL(
                "UPDATE account_move SET credit_dunning_dispute = TRUE "
                "WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_receipt')"
            )
        )
        cls.env["account.move"].invalidate_model(["credit_dunning_dispute"])
        cls.policy = cls.env["credit.dunning.policy"]._get_default(cls.company)
        cls.levels = cls.policy._levels_by_rank()
        cls.accountant = new_test_user(
            cls.env,
            login="dunning_accountant",
            name="Anna Accounts",
            email="anna@example.com",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.policy.accountant_id = cls.accountant
        cls.france = cls.env.ref("base.fr")
        cls.customer.write(
            {
                "email": "billing@acme.example",
                "phone": "01 23 45 67 89",
                "street": "1 rue de la Paix",
                "city": "Paris",
                "country_id": cls.france.id,
                "user_id": cls.salesman.id,
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @classmethod
    def new_customer(cls, name, **vals):
        return cls.env["res.partner"].create(
            dict(
                {
                    "name": name,
                    "is_company": True,
                    "email": "%s@example.com" % name.lower().replace(" ", "."),
                    "street": "2 Main Street",
                    "city": "Springfield",
                },
                **vals,
            )
        )

    @classmethod
    def invoice_due(cls, partner, amount, due_offset, currency=None, company=None):
        """A posted invoice due ``due_offset`` days from today (negative: already overdue)."""
        due = cls.today + timedelta(days=due_offset)
        invoice_date = min(due - timedelta(days=30), cls.today)
        return cls.create_invoice(
            partner,
            amount,
            days_ago=(cls.today - invoice_date).days,
            due_in=(due - invoice_date).days,
            currency=currency,
            company=company,
        )

    def preview(self, offset=0, user=None, company=None):
        """Open the wizard ``offset`` days from today and preview: the run, nothing sent."""
        company = company or self.company
        with freeze_time(self.today + timedelta(days=offset)):
            wizard = (
                self.env["credit.dunning.wizard"]
                .with_user(user or self.accountant)
                .with_company(company)
                .create({"company_id": company.id})
            )
            action = wizard.action_preview()
        return self.env["credit.dunning.run"].browse(action["res_id"])

    def run_dunning(self, offset=0, user=None, company=None):
        """Preview then send, as a user clicking Preview and Send on day ``offset``."""
        run = self.preview(offset, user, company)
        if run.state == "previewed":
            with freeze_time(self.today + timedelta(days=offset)):
                run.with_user(user or self.accountant).with_company(company or self.company).action_send()
        return run

    @contextmanager
    def assertRefused(self, exception, regex):
        """assertRaisesRegex in a savepoint: the refused change is rolled back, as a request's
        would be, so that the test can prove that nothing was written."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    def communication(self, run, partner):
        return run.communication_ids.filtered(lambda comm: comm.partner_id == partner)

    def mails_of(self, partners):
        communications = self.env["credit.dunning.communication"].search([("partner_id", "in", partners.ids)])
        return self.env["mail.mail"].search(
            [("model", "=", "credit.dunning.communication"), ("res_id", "in", communications.ids)]
        )

    def run_schedule(self, *offsets):
        """Run the dunning on each day of ``offsets`` in turn; returns the last run."""
        run = self.env["credit.dunning.run"]
        for offset in offsets:
            run = self.run_dunning(offset)
        return run

    def unapplied_payment(self, partner, amount):
        """A customer payment posted and not reconciled with any invoice."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    def sent_levels(self, invoice):
        lines = invoice.credit_dunning_line_ids.filtered(lambda line: line.state == "sent")
        return lines.sorted("level_rank").mapped("level_id.name")


@tagged("post_install", "-at_install", "credit_control")
class TestDunningRun(DunningCommon):
    """Level selection over time, aggregation per customer, idempotence, crash and rerun."""

    def test_standard_policy_of_common_practice(self):
        self.assertEqual(self.levels.mapped("delay_days"), [-3, 0, 7, 15, 30])
        self.assertEqual(
            self.levels.mapped("name"),
            ["Friendly reminder", "Due date reminder", "First reminder", "Second reminder", "Final notice"],
        )
        self.assertEqual(self.levels.mapped("rank"), [1, 2, 3, 4, 5])
        self.assertTrue(all(self.levels.mapped("send_email")))
        self.assertEqual(self.levels.mapped("create_call_activity"), [False, False, False, True, True])
        self.assertEqual(self.levels.mapped("hold_from_level"), [False, False, False, False, True])
        self.assertTrue(self.levels[-1].send_letter)
        self.assertFalse(self.policy.charge_fees, "fees and interest are off by default")
        self.assertEqual((self.policy.interest_margin, self.policy.compensation_amount), (8.0, 40.0))
        # a new default policy takes over from the previous one
        strict = self.env["credit.dunning.policy"].create(
            {
                "name": "Strict",
                "is_default": True,
                "company_id": self.company.id,
                "level_ids": [Command.create({"name": "Only", "delay_days": 5, "send_email": False})],
            }
        )
        self.assertEqual(self.env["credit.dunning.policy"]._get_default(self.company), strict)
        self.assertEqual(self.company.credit_dunning_policy_id, strict, "the company's default policy")
        self.assertFalse(self.policy.is_default)
        self.assertTrue(strict.is_default)
        defaults = self.env["credit.dunning.policy"].search([("is_default", "=", True)])
        self.assertIn(strict, defaults)
        self.assertNotIn(self.policy, defaults)
        self.assertIn(self.policy, self.env["credit.dunning.policy"].search([("is_default", "=", False)]))
        # set back in the settings
        settings = self.env["res.config.settings"].create({})
        settings.credit_dunning_policy_id = self.policy
        settings.execute()
        self.assertEqual((self.policy.is_default, strict.is_default), (True, False))
        with self.assertRaisesText(ValidationError, "needs at least one level"):
            self.env["credit.dunning.policy"].create({"name": "Empty", "company_id": self.company.id})
        with self.assertRaisesText(ValidationError, "choose its email template"):
            strict.level_ids.send_email = True

    def test_level_selection_over_time(self):
        invoice = self.invoice_due(self.customer, 500.0, 0)
        expected = {
            -4: None,
            -3: "Friendly reminder",
            -2: None,
            0: "Due date reminder",
            6: None,
            7: "First reminder",
            14: None,
            15: "Second reminder",
            30: "Final notice",
            45: None,
        }
        for offset, level in expected.items():
            run = self.run_dunning(offset)
            communication = self.communication(run, self.customer)
            if level is None:
                self.assertFalse(communication, "day %s: nothing to send" % offset)
                continue
            self.assertEqual(communication.level_id.name, level, "day %s" % offset)
            self.assertEqual(communication.state, "sent")
            self.assertEqual(communication.line_ids.days_overdue, offset)
        self.assertEqual(
            self.sent_levels(invoice),
            ["Friendly reminder", "Due date reminder", "First reminder", "Second reminder", "Final notice"],
        )
        self.assertEqual(len(self.mails_of(self.customer)), 5, "one email per level, never twice")
        self.assertEqual(invoice.credit_dunning_level_id.name, "Final notice")

    def test_late_start_climbs_one_level_at_a_time(self):
        # 60 days overdue and never reminded (Harbor Logistics): the first overdue level first
        invoice = self.invoice_due(self.customer, 500.0, -60)
        preview = self.preview()
        line = preview.line_ids
        self.assertEqual((line.level_id.name, line.reached_level_id.name), ("First reminder", "Final notice"))
        self.assertEqual(line.level_warning, "Overdue beyond level Final notice: level First reminder is sent first.")
        preview.with_user(self.accountant).action_send()
        communication = self.communication(preview, self.customer)
        self.assertEqual((communication.level_id.name, communication.channels), ("First reminder", "Email"))
        self.assertFalse(communication.activity_id, "no call, no hold on a first reminder")
        self.assertFalse(self.env["credit.alert"].search([("partner_id", "=", self.customer.id)]))
        # the next level once the gap between the two levels' delays (15 - 7 days) has passed
        for offset in (1, 7):
            self.assertFalse(self.communication(self.run_dunning(offset), self.customer), "day %s" % offset)
        self.assertEqual(self.communication(self.run_dunning(8), self.customer).level_id.name, "Second reminder")
        self.assertFalse(self.communication(self.run_dunning(22), self.customer), "30 - 15 days after")
        final = self.communication(self.run_dunning(23), self.customer)
        self.assertEqual(final.level_id.name, "Final notice")
        self.assertFalse(final.line_ids.level_warning, "the level reached: no warning")
        self.assertEqual(self.sent_levels(invoice), ["First reminder", "Second reminder", "Final notice"])
        self.assertFalse(self.communication(self.run_dunning(24), self.customer))

    def test_one_communication_per_customer_at_highest_level(self):
        other = self.new_customer("Beta Stores")
        first = self.invoice_due(self.customer, 100.0, -20)
        second = self.invoice_due(self.customer, 200.0, -8)
        third = self.invoice_due(self.customer, 300.0, 2)
        not_yet = self.invoice_due(self.customer, 400.0, 10)
        self.invoice_due(other, 50.0, -1)
        run = self.run_dunning()
        self.assertEqual(run.communication_count, 2)
        communication = self.communication(run, self.customer)
        self.assertEqual(communication.level_id.name, "First reminder")
        self.assertEqual(communication.amount_due, 600.0)
        by_invoice = {line.move_id: line.level_id.name for line in communication.line_ids}
        self.assertEqual(
            by_invoice,
            {first: "First reminder", second: "First reminder", third: "Friendly reminder"},
            "each item keeps its own level; found overdue, the first level after the due date",
        )
        self.assertNotIn(not_yet, by_invoice)
        self.assertEqual(self.communication(run, other).level_id.name, "Due date reminder")
        # one email per customer, listing its items, with the statement attached
        mail = self.mails_of(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn("First reminder", mail.subject)
        for invoice in (first, second, third):
            self.assertIn(invoice.name, str(mail.body_html))
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertTrue(mail.attachment_ids.name.startswith("Statement - Acme Retail"))
        self.assertEqual(communication.statement_attachment_id, mail.attachment_ids)
        # the history on the customer and the partner's figures
        note = self.customer.message_ids.filtered(lambda message: "First reminder sent" in str(message.body))
        self.assertTrue(note)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_dunning_level_id.name, "First reminder")
        self.assertEqual(self.customer.credit_dunning_count, 1)

    def test_rerun_same_day_sends_nothing_twice(self):
        self.invoice_due(self.customer, 100.0, -10)
        first = self.run_dunning()
        self.assertEqual(first.sent_count, 1)
        second = self.run_dunning()
        self.assertEqual((second.state, second.communication_count), ("done", 0))
        self.assertEqual(len(self.mails_of(self.customer)), 1)
        # a preview taken while another preview holds the items selects nothing either
        self.invoice_due(self.customer, 70.0, -9)
        preview = self.preview()
        self.assertEqual(preview.line_count, 1)
        overlapping = self.env["credit.dunning.run"].with_user(self.accountant).create({"company_id": self.company.id})
        overlapping._prepare()
        self.assertFalse(overlapping.communication_ids, "items being dunned are not selected again")
        # the database itself refuses a second line for the same item and level
        line = preview.line_ids
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                """
                INSERT INTO credit_dunning_line (communication_id, run_id, partner_id, company_id, move_line_id,
                                                 move_id, level_id, excluded, state)
                VALUES (%s, %s, %s, %s, %s, %s, %s, FALSE, 'draft')
                """,
                [
                    line.communication_id.id,
                    line.run_id.id,
                    line.partner_id.id,
                    line.company_id.id,
                    line.move_line_id.id,
                    line.move_id.id,
                    line.level_id.id,
                ],
            )

    def test_crash_halfway_then_rerun(self):
        customers = self.customer | self.new_customer("Beta Stores") | self.new_customer("Gamma Foods")
        for partner in customers:
            self.invoice_due(partner, 100.0, -10)
        run = self.preview()
        self.assertEqual(run.communication_count, 3)
        communication_class = self.registry["credit.dunning.communication"]
        send_email = communication_class._send_email
        crashing = customers[1]

        def send_or_crash(communication, level, recipient, pdfs=None):
            if communication.partner_id == crashing:
                raise psycopg2.OperationalError("server closed the connection unexpectedly")
            return send_email(communication, level, recipient, pdfs)

        with patch.object(communication_class, "_send_email", send_or_crash), mute_logger(RUN_LOGGER):
            run._execute(batch_size=1)
        self.assertEqual(run.state, "failed")
        self.assertIn("Stopped after 1 communications", run.error)
        self.assertIn("server closed the connection", run.error)
        self.assertEqual([self.communication(run, partner).state for partner in customers], ["sent", "draft", "draft"])
        self.assertEqual(len(self.mails_of(customers)), 1, "the crashed batch left nothing behind")
        # the next attempt (button, or the cron the next day) finishes the run
        run.with_user(self.accountant).action_send()
        self.assertEqual(run.state, "done")
        self.assertEqual(set(run.communication_ids.mapped("state")), {"sent"})
        mails = self.mails_of(customers)
        self.assertEqual(len(mails), 3)
        self.assertEqual(mails.recipient_ids, customers, "each customer got exactly one email")

    def test_failed_communication_is_recorded_and_retried(self):
        other = self.new_customer("Beta Stores")
        self.invoice_due(self.customer, 100.0, -10)
        self.invoice_due(other, 100.0, -10)
        communication_class = self.registry["credit.dunning.communication"]
        render = communication_class._render_pdf

        def broken_render(communication, report, name, pdfs=None):
            if communication.partner_id == other:
                raise UserError(_("The PDF engine is not responding."))
            return render(communication, report, name, pdfs)

        with patch.object(communication_class, "_render_pdf", broken_render), mute_logger(COMMUNICATION_LOGGER):
            run = self.run_dunning()
        failed = self.communication(run, other)
        self.assertEqual((run.state, run.sent_count, run.failed_count), ("failed", 1, 1))
        self.assertEqual(
            (failed.state, failed.error, failed.attempt_count), ("failed", "The PDF engine is not responding.", 1)
        )
        self.assertFalse(self.mails_of(other), "nothing half-sent")
        self.assertFalse(failed.activity_id)
        failed.with_user(self.accountant).action_retry()
        self.assertEqual((failed.state, failed.error), ("sent", False))
        self.assertEqual(len(self.mails_of(other)), 1)

    def test_exclude_items_before_sending(self):
        kept = self.invoice_due(self.customer, 100.0, -2)
        excluded = self.invoice_due(self.customer, 250.0, -40)
        run = self.preview()
        communication = self.communication(run, self.customer)
        self.assertEqual((communication.level_id.name, communication.amount_due), ("First reminder", 350.0))
        line = run.line_ids.filtered(lambda line: line.move_id == excluded)
        line.with_user(self.accountant).action_exclude()
        self.assertEqual((communication.level_id.name, communication.amount_due), ("Due date reminder", 100.0))
        with self.assertRaises(AccessError):
            line.with_user(self.salesman).action_include()
        run.with_user(self.accountant).action_send()
        mail = self.mails_of(self.customer)
        self.assertIn(kept.name, str(mail.body_html))
        self.assertNotIn(excluded.name, str(mail.body_html))
        with self.assertRaisesText(UserError, "not sent yet"):
            line.with_user(self.accountant).action_include()
        # left out this time only: the next run takes it up
        later = self.run_dunning(1)
        self.assertEqual(self.communication(later, self.customer).line_ids.move_id, excluded)

    def test_cron_runs_each_company_once_a_day(self):
        self.invoice_due(self.customer, 100.0, -10)
        stale = self.preview(-1)
        self.assertEqual(stale.state, "previewed")
        runs = self.env["credit.dunning.run"]
        with freeze_time(self.today):
            runs._cron_run_dunning()
        self.assertEqual(stale.state, "cancelled", "yesterday's preview gave its items back")
        run = runs.search([("trigger", "=", "cron"), ("company_id", "=", self.company.id)])
        self.assertEqual(len(run), 1)
        self.assertEqual((run.state, run.sent_count), ("done", 1))
        self.assertGreaterEqual(run.duration, 0.0)
        with freeze_time(self.today):
            runs._cron_run_dunning()
        self.assertEqual(runs.search_count([("trigger", "=", "cron"), ("company_id", "=", self.company.id)]), 1)
        self.assertEqual(len(self.mails_of(self.customer)), 1)

    def test_cron_sends_in_short_calls(self):
        customers = self.customer | self.new_customer("Beta Stores") | self.new_customer("Gamma Foods")
        for partner in customers:
            self.invoice_due(partner, 100.0, -10)
        runs = self.env["credit.dunning.run"]
        module = "odoo.addons.credit_control.models.dunning.credit_dunning_run"
        states = []
        # real time (not frozen): the calls are bounded by the clock
        with patch(module + ".CRON_BATCH_SIZE", 1), patch(module + ".CRON_SECONDS_PER_CALL", 0.000001):
            for _call in range(6):  # Odoo calls again (and commits) while work remains
                runs._cron_run_dunning()
                run = runs.search([("trigger", "=", "cron"), ("company_id", "=", self.company.id)])
                states.append((run.state, run.sent_count))
                if run.state == "done":
                    break
        self.assertEqual(len(run), 1, "the calls of one day share one run")
        self.assertEqual(states[-1], ("done", 3))
        self.assertGreaterEqual(len(states), 3, "one communication per call at most")
        self.assertEqual(len(self.mails_of(customers)), 3)

    def test_levels_reached_for_scoring_and_filters(self):
        other = self.new_customer("Beta Stores")
        self.invoice_due(self.customer, 100.0, -16)
        paid = self.invoice_due(other, 100.0, -1)
        self.run_dunning()
        reached = self.env["credit.dunning.communication"]._dunning_levels_reached(
            (self.customer | other).ids, self.company.id, self.today - timedelta(days=365)
        )
        self.assertEqual(reached, {self.customer.id: 3, other.id: 2})
        partners = self.env["res.partner"].with_user(self.accountant)
        ids = (self.customer | other | self.customer_contact).ids
        self.assertEqual(
            partners.search([("credit_dunning_level_rank", ">=", 3), ("id", "in", ids)]),
            self.customer | self.customer_contact,
        )
        self.assertEqual(partners.search([("credit_dunning_level_rank", "=", 2), ("id", "in", ids)]), other)
        self.pay(paid, 100.0)
        self.env.invalidate_all()
        self.assertFalse(partners.search([("credit_dunning_level_rank", ">=", 1), ("id", "=", other.id)]), "paid up")
        self.assertIn(other, partners.search([("credit_dunning_level_rank", "<", 1), ("id", "in", ids)]))

    def test_customer_owing_nothing_net_is_not_dunned(self):
        # overdue invoices, but a credit note not applied yet covers them: the credit check reads no overdue
        covered = self.new_customer("Deco Covered")
        self.invoice_due(covered, 1000.0, -20)
        self.create_invoice(covered, 1000.0, move_type="out_refund")
        # an unapplied payment covers part of the overdue: the rest is dunned
        partly = self.new_customer("Partly Paid")
        invoice = self.invoice_due(partly, 1000.0, -10)
        payment = self.unapplied_payment(partly, 600.0)
        figures = self.env["credit.exposure"]._get_figures(covered | partly, self.company)
        self.assertEqual((figures[covered.id].receivable, figures[covered.id].overdue), (0.0, 0.0))
        self.assertEqual(figures[partly.id].overdue, 400.0)
        run = self.run_dunning()
        self.assertFalse(self.communication(run, covered), "owes nothing net: no reminder")
        self.assertFalse(self.mails_of(covered))
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", covered.id)])
        )
        communication = self.communication(run, partly)
        self.assertEqual((communication.state, communication.line_ids.move_id), ("sent", invoice))
        # the statement lists the payment not applied yet as a negative item and the net balance
        values = self.env["report.credit_control.report_credit_dunning_statement"]._get_report_values(communication.ids)
        [(currency, items, balance)] = values["statement_groups"][communication.id]
        self.assertEqual(currency, self.company.currency_id)
        self.assertEqual(
            sorted((item["name"], item["amount"]) for item in items),
            sorted([(invoice.name, 1000.0), (payment.move_id.name, -600.0)]),
        )
        self.assertEqual(balance, 400.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_control.action_report_credit_dunning_statement", communication.ids)[0]
            .decode()
        )
        self.assertIn("Net balance", html)
        self.assertIn('<span class="oe_currency_value">-\ufeff600.00</span>', html)
        self.assertIn('<span class="oe_currency_value">400.00</span>', html)

    def test_minimum_amount_of_the_policy(self):
        self.assertEqual(self.policy.minimum_amount, 0.0, "no minimum by default")
        small = self.new_customer("Small Debts")
        self.invoice_due(small, 300.0, -10)
        self.create_invoice(small, 250.0, move_type="out_refund")
        self.invoice_due(self.customer, 600.0, -10)
        self.policy.minimum_amount = 100.0
        run = self.run_dunning()
        self.assertFalse(self.communication(run, small), "owes 50.00 net: below the minimum of 100.00")
        self.assertEqual(self.communication(run, self.customer).amount_due, 600.0)
        with self.assertRefused(ValidationError, "The minimum amount of the dunning policy .* cannot be negative"):
            self.policy.minimum_amount = -1.0
        self.assertEqual(self.policy.minimum_amount, 100.0, "nothing written")


@tagged("post_install", "-at_install", "credit_control")
class TestDunningLevelChecks(DunningCommon):
    """Levels are checked on their own records: delays within bounds and strictly increasing,
    fees not negative, a policy never left without levels."""

    def test_delays_out_of_bounds_are_refused(self):
        level = self.levels[2]
        for delay in (-10000, 1000000, -31, 366):
            with (
                self.subTest(delay=delay),
                self.assertRefused(
                    ValidationError,
                    "The delay of the dunning level First reminder must be between -30 and 365 days after the due",
                ),
            ):
                level.delay_days = delay
        self.assertEqual(level.delay_days, 7, "nothing written")
        with self.assertRefused(ValidationError, "between -30 and 365 days"):
            self.env["credit.dunning.level"].create(
                {"policy_id": self.policy.id, "name": "Too early", "delay_days": -60, "send_email": False}
            )
        with self.assertRefused(ValidationError, "between -30 and 365 days"):
            self.policy.write({"level_ids": [Command.update(self.levels[-1].id, {"delay_days": 400})]})
        self.assertEqual(self.policy.level_ids.mapped("delay_days"), [-3, 0, 7, 15, 30], "nothing written")
        # the bounds themselves are fine
        self.levels[0].delay_days = -30
        self.levels[-1].delay_days = 365
        self.assertEqual(self.policy._levels_by_rank().mapped("delay_days"), [-30, 0, 7, 15, 365])
        # a run does not dun items that are not due yet for months
        self.invoice_due(self.customer, 100.0, 60)
        self.assertFalse(self.preview().communication_ids)

    def test_levels_strictly_increasing_and_fees_not_negative(self):
        with self.assertRefused(
            ValidationError, "Two levels of the dunning policy Standard dunning have the same delay"
        ):
            self.levels[2].delay_days = 15
        with self.assertRefused(ValidationError, "have the same delay"):
            self.env["credit.dunning.level"].create(
                {"policy_id": self.policy.id, "name": "Twin", "delay_days": 30, "send_email": False}
            )
        with self.assertRefused(ValidationError, "The fee of the dunning level Final notice cannot be negative"):
            self.levels[-1].fee_fixed = -5.0
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.policy.compensation_amount = -40.0
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.policy.write({"interest_margin": 0.0, "interest_reference_rate": -1.0})
        self.assertEqual(
            (self.levels.mapped("delay_days"), self.levels[-1].fee_fixed, self.policy.compensation_amount),
            ([-3, 0, 7, 15, 30], 0.0, 40.0),
            "nothing written",
        )
        self.assertEqual(len(self.policy.level_ids), 5)

    def test_policy_never_left_without_levels(self):
        single = self.env["credit.dunning.policy"].create(
            {
                "name": "Single",
                "company_id": self.company.id,
                "level_ids": [Command.create({"name": "Only", "delay_days": 5, "send_email": False})],
            }
        )
        only = single.level_ids
        with self.assertRefused(ValidationError, "The dunning policy Single needs at least one level"):
            only.unlink()
        with self.assertRefused(ValidationError, "The dunning policy Single needs at least one level"):
            only.policy_id = self.policy
        self.assertEqual((only.exists(), only.policy_id), (only, single), "nothing written")
        # replacing the levels in one save is fine
        single.write(
            {
                "level_ids": [
                    Command.delete(only.id),
                    Command.create({"name": "New", "delay_days": 10, "send_email": False}),
                ]
            }
        )
        self.assertEqual(single.level_ids.mapped("name"), ["New"])
        # a policy with more levels can lose one
        self.levels[0].unlink()
        self.assertEqual(self.policy.level_ids.mapped("delay_days"), [0, 7, 15, 30])


@tagged("post_install", "-at_install", "credit_control")
class TestDunningPromises(DunningCommon):
    """Disputed items and promises to pay are skipped; a broken promise escalates once."""

    def record_promise(self, amount, offset, move=None, partner=None):
        action = (move or partner).with_user(self.accountant).action_credit_record_promise()
        wizard = self.env["credit.dunning.promise"].with_user(self.accountant).browse(action["res_id"])
        wizard.write({"promise_amount": amount, "promise_date": self.today + timedelta(days=offset)})
        wizard.action_record()
        return self.env["credit.promise"].search(
            [
                ("partner_id", "=", (move or partner).commercial_partner_id.id),
                ("move_id", "=", move.id if move else False),
            ],
            order="id desc",
            limit=1,
        )

    def test_disputed_items_and_customers_are_skipped(self):
        disputed = self.invoice_due(self.customer, 100.0, -10)
        normal = self.invoice_due(self.customer, 200.0, -10)
        disputed.with_user(self.accountant).credit_dunning_dispute = True
        run = self.run_dunning()
        self.assertEqual(self.communication(run, self.customer).line_ids.move_id, normal)
        other = self.new_customer("Beta Stores")
        self.invoice_due(other, 100.0, -10)
        other.with_company(self.company).credit_dunning_dispute = True
        self.assertFalse(self.communication(self.run_dunning(1), other))
        with self.assertRaisesText(ValidationError, "Only customer invoices"):
            self.create_invoice(self.customer, 10.0, move_type="out_refund").credit_dunning_dispute = True

    def test_broken_invoice_promise_escalates_once(self):
        invoice = self.invoice_due(self.customer, 1000.0, -8)
        self.assertEqual(self.communication(self.run_dunning(), self.customer).level_id.name, "First reminder")
        promise = self.record_promise(1000.0, 3, move=invoice)
        self.assertEqual(invoice.credit_promise_ids, promise)
        self.assertEqual((promise.amount_due, promise.amount, promise.state), (1000.0, 1000.0, "open"))
        self.assertTrue(any("Promise to pay" in str(message.body) for message in invoice.message_ids))
        for offset in (1, 3):
            self.assertFalse(self.communication(self.run_dunning(offset), self.customer), "promised: day %s" % offset)
        # day 4: 12 days late, the second reminder is due on day 15 only, but the promise was broken
        run = self.run_dunning(4)
        communication = self.communication(run, self.customer)
        self.assertEqual(communication.level_id.name, "Second reminder")
        self.assertTrue(communication.broken_promise)
        self.assertIn("broken", communication.note)
        self.assertEqual(
            (promise.state, promise.escalation_communication_id),
            ("broken", communication),
            "the promise is settled: escalation happens once",
        )
        alert = self.env["credit.alert"].search([("partner_id", "=", self.customer.id), ("alert_type", "=", "dunning")])
        self.assertIn("broke a promise", alert.message)
        self.assertFalse(self.communication(self.run_dunning(5), self.customer))

    def test_kept_promise_does_not_escalate(self):
        invoice = self.invoice_due(self.customer, 1000.0, -8)
        self.run_dunning()
        promise = self.record_promise(300.0, 2, move=invoice)
        self.pay(invoice, 300.0)
        self.assertFalse(self.communication(self.run_dunning(3), self.customer), "kept: the normal delays apply")
        self.assertEqual(promise.state, "kept")
        self.assertFalse(
            self.communication(self.run_dunning(7), self.customer),
            "15 days late, but 7 days only since the first reminder: the levels are 8 days apart",
        )
        communication = self.communication(self.run_dunning(8), self.customer)
        self.assertEqual((communication.level_id.name, communication.broken_promise), ("Second reminder", False))
        self.assertEqual(communication.amount_due, 700.0)

    def test_customer_promise_pauses_every_item(self):
        self.invoice_due(self.customer, 400.0, -10)
        self.invoice_due(self.customer, 600.0, -2)
        promise = self.record_promise(1000.0, 5, partner=self.customer)
        self.assertEqual(
            (promise.partner_id, promise.move_id, promise.amount, promise.date_since, promise.currency_id),
            (self.customer, self.env["account.move"], 1000.0, self.today, self.company.currency_id),
        )
        self.assertEqual(self.customer.with_user(self.accountant).credit_promise_count, 1)
        self.assertFalse(self.communication(self.run_dunning(5), self.customer))
        communication = self.communication(self.run_dunning(6), self.customer)
        self.assertTrue(communication.broken_promise)
        self.assertEqual(communication.level_id.name, "First reminder", "never reminded: the first overdue level")
        self.assertEqual((promise.state, promise.escalation_communication_id), ("broken", communication))

    def test_bad_promises_are_refused(self):
        invoice = self.invoice_due(self.customer, 100.0, -8)
        action = invoice.with_user(self.accountant).action_credit_record_promise()
        wizard = self.env["credit.dunning.promise"].with_user(self.accountant).browse(action["res_id"])
        self.assertEqual((wizard.promise_amount, wizard.amount_due), (100.0, 100.0))
        wizard.promise_amount = 0.0
        wizard.promise_date = self.today
        with self.assertRefused(ValidationError, "The promised amount must be positive"):
            wizard.action_record()
        wizard.write({"promise_amount": 50.0, "promise_date": self.today - timedelta(days=1)})
        with self.assertRefused(ValidationError, "cannot be dated in the past"):
            wizard.action_record()
        self.assertFalse(invoice.credit_promise_ids, "nothing recorded")
        self.assertFalse(any("Promise to pay" in str(message.body) for message in invoice.message_ids))
        with self.assertRefused(AccessError, "Only accountants and credit users"):
            invoice.with_user(self.salesman).action_credit_record_promise()


@tagged("post_install", "-at_install", "credit_control")
class TestDunningChannels(DunningCommon):
    """Email, letter, phone call and SMS, and the fallbacks when a channel is impossible."""

    def test_no_email_falls_back_to_letter_then_activity(self):
        no_email = self.new_customer("Post Only", email=False)
        nowhere = self.new_customer(
            "Nowhere Ltd",
            email=False,
            street=False,
            city=False,
            phone="01 23 45 67 80",
            country_id=self.france.id,
            user_id=self.salesman.id,
        )
        for partner in no_email | nowhere:
            self.invoice_due(partner, 100.0, -1)
        run = self.run_dunning()
        letter = self.communication(run, no_email)
        self.assertEqual(letter.state, "sent")
        self.assertEqual((letter.channel_email, letter.channel_letter), (False, True))
        self.assertIn("no email address", letter.note)
        self.assertTrue(letter.letter_attachment_id)
        self.assertEqual(run.letter_count, 1)
        action = run.action_print_letters()
        if action["type"] == "ir.actions.report":  # else the company's document layout is asked for first
            self.assertEqual(action["report_name"], "credit_control.report_credit_dunning_letter")
        activity = self.communication(run, nowhere)
        self.assertEqual(activity.state, "sent")
        self.assertTrue(activity.channel_activity)
        self.assertIn("no postal address", activity.note)
        self.assertEqual(activity.activity_id.user_id, self.salesman)
        self.assertEqual(activity.activity_id.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertFalse(self.mails_of(no_email | nowhere))

    def test_undelivered_email_falls_back_to_letter(self):
        self.invoice_due(self.customer, 100.0, -10)
        communication = self.communication(self.run_dunning(), self.customer)
        communication.mail_id.write({"state": "exception", "failure_reason": "550 mailbox unavailable"})
        with freeze_time(self.today + timedelta(days=1)):
            self.env["credit.dunning.run"]._cron_run_dunning()
        self.assertEqual(communication.state, "sent")
        self.assertTrue(communication.channel_letter)
        self.assertIn("550 mailbox unavailable", communication.note)
        self.assertEqual(self.env["credit.dunning.communication"]._fallback_undelivered(self.company).ids, [])

    def test_call_activity_with_e164_phone_and_sms_text(self):
        self.levels[3].sms_text = "%(company)s: %(amount)s overdue for %(customer)s."
        self.invoice_due(self.customer, 100.0, -15)
        bad_phone = self.new_customer("Bad Phone", phone="12345", country_id=self.france.id)
        self.invoice_due(bad_phone, 100.0, -15)
        run = self.run_schedule(-8, 0)  # first reminder 7 days late, the second one 8 days later
        communication = self.communication(run, self.customer)
        self.assertEqual(communication.phone_e164, "+33123456789")
        activity = communication.activity_id
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.salesman, "second reminder escalates to the salesperson")
        self.assertEqual(activity.res_id, self.customer.id)
        self.assertIn("+33123456789", str(activity.note))
        self.assertEqual(communication.sms_text, "%s: $\xa0100.00 overdue for Acme Retail." % self.company.name)
        self.assertEqual(communication.channels, "Email, Phone call, SMS")
        flagged = self.communication(run, bad_phone)
        self.assertTrue(flagged.phone_invalid)
        self.assertFalse(flagged.phone_e164)
        self.assertIn("invalid number", str(flagged.activity_id.note))
        self.assertEqual(
            flagged.activity_id.user_id, self.accountant, "no salesperson: the policy's accountant is called"
        )

    def test_phone_numbers_in_e164(self):
        """phone_validation formats the numbers: E.164 when valid, flagged when not."""
        self.invoice_due(self.customer, 100.0, -10)
        communication = self.communication(self.preview(), self.customer)
        belgium = self.env.ref("base.be")
        cases = [
            ({"phone": "01 23 45 67 89", "country_id": self.france.id}, ("01 23 45 67 89", "+33123456789", False)),
            ({"phone": "+1 (650) 253-0000", "country_id": False}, ("+1 (650) 253-0000", "+16502530000", False)),
            ({"phone": "+32 2 555 12 12", "country_id": self.france.id}, ("+32 2 555 12 12", "+3225551212", False)),
            ({"phone": "02 555 12 12", "country_id": belgium.id}, ("02 555 12 12", "+3225551212", False)),
            ({"phone": "12345", "country_id": self.france.id}, ("12345", False, True)),
            ({"phone": "not a phone", "country_id": self.france.id}, ("not a phone", False, True)),
            ({"phone": "  ", "mobile": False, "country_id": self.france.id}, (False, False, False)),
        ]
        for vals, expected in cases:
            self.customer.write(vals)
            check = communication._phone_check(self.customer)
            self.assertEqual((check["phone"], check["phone_e164"], check["phone_invalid"]), expected, vals["phone"])

    def test_final_notice_letter_and_credit_manager(self):
        self.policy.credit_manager_id = self.credit_manager
        self.invoice_due(self.customer, 100.0, -30)
        communication = self.communication(self.run_schedule(-23, -15, 0), self.customer)
        self.assertEqual(communication.level_id.name, "Final notice")
        self.assertEqual(communication.channels, "Email, Letter, Phone call")
        self.assertEqual(communication.activity_id.user_id, self.credit_manager)
        self.assertTrue(communication.letter_attachment_id.name.startswith("Letter - Acme Retail"))

    def test_multi_currency_statement(self):
        eur = self.setup_other_currency("EUR")  # 2 EUR = 1 company currency
        euro_invoice = self.invoice_due(self.customer, 200.0, -10, currency=eur)
        dollar_invoice = self.invoice_due(self.customer, 100.0, -10)
        self.invoice_due(self.customer, 50.0, 20)  # not due: on the statement, not dunned
        communication = self.communication(self.run_dunning(), self.customer)
        self.assertEqual(communication.amount_due, 200.0, "100 EUR + 100 USD in company currency")
        values = self.env["report.credit_control.report_credit_dunning_statement"]._get_report_values(communication.ids)
        self.assertEqual(values["docs"], communication)
        groups = {
            currency.name: (len(items), total)
            for currency, items, total in values["statement_groups"][communication.id]
        }
        self.assertEqual(groups, {"EUR": (1, 200.0), "USD": (2, 150.0)})
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_control.action_report_credit_dunning_statement", communication.ids)[0]
            .decode()
        )
        for text in (euro_invoice.name, dollar_invoice.name, "Open items in <span>EUR</span>", "150.00"):
            self.assertIn(text, html)
        body = str(self.mails_of(self.customer).body_html)
        self.assertIn("200.00\xa0€", body)
        self.assertIn("$\xa0100.00", body)

    def test_totals_in_the_currency_of_the_items(self):
        eur = self.setup_other_currency("EUR")  # 2 EUR = 1 USD, the company currency
        self.levels[2].sms_text = "%(company)s: %(amount)s overdue."
        self.invoice_due(self.customer, 700.0, -10, currency=eur)
        self.invoice_due(self.customer, 500.0, -9, currency=eur)
        both = self.new_customer("Two Currencies")
        self.invoice_due(both, 200.0, -10, currency=eur)
        self.invoice_due(both, 100.0, -10)
        run = self.run_dunning()
        communication = self.communication(run, self.customer)
        self.assertEqual(communication.amount_due, 600.0, "in company currency for the run's figures")
        body = str(self.mails_of(self.customer).body_html)
        self.assertIn("700.00\xa0€", body)
        self.assertIn("Total due: <strong>1,200.00\xa0€</strong>", body)
        self.assertNotIn("600.00", body)
        self.assertEqual(communication.sms_text, "%s: 1,200.00\xa0€ overdue." % self.company.name)
        # owing in two currencies: one total per currency
        other = self.communication(run, both)
        body = str(self.mails_of(both).body_html)
        self.assertIn("Total due: <strong>$\xa0100.00</strong>", body)
        self.assertIn("Total due: <strong>200.00\xa0€</strong>", body)
        self.assertEqual(other.sms_text, "%s: 200.00\xa0€, $\xa0100.00 overdue." % self.company.name)
        # the letter and the statement: per currency too
        letter = self.env["report.credit_control.report_credit_dunning_letter"]._get_report_values(
            (communication | other).ids
        )
        totals = {
            comm_id: [(currency.name, len(lines), total) for currency, lines, total in groups]
            for comm_id, groups in letter["dunned_groups"].items()
        }
        self.assertEqual(
            totals, {communication.id: [("EUR", 2, 1200.0)], other.id: [("EUR", 1, 200.0), ("USD", 1, 100.0)]}
        )
        statement = {currency.name: total for currency, _items, total in letter["statement_groups"][communication.id]}
        self.assertEqual(statement, {"EUR": 1200.0})
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_control.action_report_credit_dunning_letter", communication.ids)[0]
            .decode()
        )
        self.assertIn('<span class="oe_currency_value">1,200.00</span>\xa0€', html)
        self.assertNotIn("600.00", html)


@tagged("post_install", "-at_install", "credit_control")
class TestDunningPdf(DunningCommon, HttpCase):
    """Statements and letters rendered by wkhtmltopdf. An HttpCase, as Odoo's own report tests:
    wkhtmltopdf fetches the report's assets from the test server, which must see the test's
    transaction (in a plain TransactionCase on a fresh database it waits for ever)."""

    def test_statement_pdf_attached_to_email(self):
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.skipTest("wkhtmltopdf is not installed or not working: the PDF cannot be rendered here")
        other = self.new_customer("Beta Stores")
        self.invoice_due(other, 250.0, -31)
        self.run_schedule(-24, -16)  # the first and second reminders, before the final notice
        self.invoice_due(self.customer, 100.0, -10)
        run = self.preview()
        report_class = self.registry["ir.actions.report"]
        run_wkhtmltopdf = report_class._run_wkhtmltopdf
        calls = []

        def counted(report, *args, **kwargs):
            calls.append(args)
            return run_wkhtmltopdf(report, *args, **kwargs)

        with patch.object(report_class, "_run_wkhtmltopdf", counted):
            run.with_user(self.accountant).with_context(force_report_rendering=True).action_send()
        statements = run.communication_ids.mail_id.attachment_ids
        self.assertEqual(len(statements), 2, "one statement per customer")
        for attachment in statements:
            self.assertTrue(attachment.name.endswith(".pdf"))
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertTrue(attachment.raw.startswith(b"%PDF"), "the statement is a real PDF")
        letter = self.communication(run, other).letter_attachment_id
        self.assertTrue(letter.raw.startswith(b"%PDF"), "the final notice's letter is a real PDF")
        self.assertEqual(len(calls), 2, "the two statements in one wkhtmltopdf call, then the letter")
        communications = run.communication_ids.sorted("id")
        if wkhtmltopdf_renders_batches():
            return
        # Debian's wkhtmltopdf (unpatched Qt): one joined document, split at its page markers
        (document,) = calls[0][0]
        body = lxml.html.document_fromstring(document).body
        blocks = body.findall("div")
        self.assertEqual(
            [block.find("div").get("data-oe-id") for block in blocks],
            [str(communication.id) for communication in communications],
            "each statement in its own block, in the batch's order",
        )
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for index, (communication, block) in enumerate(zip(communications, blocks, strict=True)):
            (statement,) = communication.mail_id.attachment_ids
            pages = PdfFileReader(io.BytesIO(statement.raw)).pages
            self.assertEqual(pages[0].extract_text(), block.find("span").text, "its marker on its first page")
            self.assertTrue(block.find("span").text.endswith("D%dE" % index))
            alone, _format = report._render_qweb_pdf(STATEMENT_REPORT, communication.ids)
            self.assertEqual(
                len(pages), len(PdfFileReader(io.BytesIO(alone)).pages), "the pages of the statement rendered alone"
            )


@tagged("post_install", "-at_install", "credit_control")
class TestDunningConsequences(DunningCommon):
    """Fees and interest as a draft invoice, credit hold from a level, companies, access."""

    def test_fees_and_interest_proposed_as_draft_invoice(self):
        invoice = self.invoice_due(self.customer, 1000.0, -30)
        self.levels[-1].fee_fixed = 10.0
        off = self.communication(self.run_schedule(-23, -15, 0), self.customer)
        self.assertEqual(off.level_id.name, "Final notice")
        self.assertFalse(off.fee_move_id, "off by default")
        self.policy.write({"charge_fees": True, "interest_reference_rate": 2.15})
        other = self.new_customer("Beta Stores")
        late = self.invoice_due(other, 1000.0, -30)
        communication = self.communication(self.run_schedule(-23, -15, 0), other)
        fees = communication.fee_move_id
        self.assertEqual(fees.state, "draft", "proposed, never posted")
        self.assertEqual(fees.move_type, "out_invoice")
        self.assertEqual(fees.partner_id, other)
        amounts = {line.name: line.price_unit for line in fees.invoice_line_ids}
        self.assertEqual(
            amounts,
            {
                "Dunning fee: Final notice": 10.0,
                "Late interest on %s: 30 days at 10.15%%" % late.name: 8.34,  # 1000 x 10.15% x 30/365
                "Fixed compensation for recovery costs: %s" % late.name: 40.0,
            },
        )
        self.assertEqual((fees.amount_total, communication.fee_amount), (58.34, 58.34))
        self.assertFalse(invoice.credit_dunning_line_ids.filtered("interest_amount"), "nothing for the earlier run")
        run = communication.run_id
        self.assertEqual(run.fee_invoice_count, 1)
        self.assertEqual(run.action_view_fee_invoices()["domain"], [("id", "in", fees.ids)])

    def test_hold_from_final_notice_until_paid(self):
        self.company.credit_overdue_check = False
        invoice = self.invoice_due(self.customer, 300.0, -20)
        self.invoice_due(self.customer, 200.0, -30)
        self.run_schedule(-23, -15)
        order = self.create_order(self.customer, 10.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale", "second reminder: no hold")
        run = self.run_dunning()
        self.assertEqual(self.communication(run, self.customer).level_id.name, "Final notice")
        alert = self.env["credit.alert"].search([("partner_id", "=", self.customer.id), ("alert_type", "=", "dunning")])
        self.assertIn("its orders are held", alert.message)
        self.env.invalidate_all()
        held = self.create_order(self.customer, 10.0)
        self.confirm_as(self.salesman, held)
        self.assertEqual(held.state, "draft")
        reason = held.credit_hold_ids.reason_ids
        self.assertEqual(reason.rule, "dunning")
        self.assertIn("Final notice", reason.message)
        # paying the items of the final notice lifts the hold
        final_items = self.communication(run, self.customer).line_ids.filtered(lambda line: line.level_rank == 5)
        self.pay(final_items.move_id, 200.0)
        self.env.invalidate_all()
        self.assertEqual(self.customer.credit_dunning_level_id.name, "First reminder")
        order = self.create_order(self.customer, 10.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")
        self.assertTrue(invoice.credit_dunning_line_ids)

    def test_each_company_duns_its_own_items(self):
        company_2 = self.setup_other_company()["company"]
        self.accountant.write({"company_ids": [Command.link(company_2.id)]})
        accountant_1 = new_test_user(
            self.env,
            login="accountant_one",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        invoice_1 = self.invoice_due(self.customer, 100.0, -10)
        invoice_2 = self.invoice_due(self.customer, 700.0, -40, company=company_2)
        run_1 = self.run_dunning()
        self.assertEqual(run_1.line_ids.move_id, invoice_1)
        run_2 = self.run_dunning(company=company_2)
        self.assertEqual(run_2.company_id, company_2)
        communication_2 = self.communication(run_2, self.customer)
        self.assertEqual(
            (communication_2.line_ids.move_id, communication_2.level_id.name), (invoice_2, "First reminder")
        )
        self.assertEqual(communication_2.policy_id.company_id, company_2, "the other company's own default policy")
        visible = self.env["credit.dunning.run"].with_user(accountant_1).search([("id", "in", (run_1 | run_2).ids)])
        self.assertEqual(visible, run_1)
        self.assertEqual(
            self.env["credit.dunning.communication"]._dunning_levels_reached(
                [self.customer.id], company_2.id, self.today
            ),
            {self.customer.id: 3},
        )

    def test_salesperson_cannot_run_dunning(self):
        self.invoice_due(self.customer, 100.0, -10)
        with self.assertRaises(AccessError):
            self.env["credit.dunning.wizard"].with_user(self.salesman).create({"company_id": self.company.id})
        with self.assertRaises(AccessError):
            self.env["credit.dunning.run"].with_user(self.salesman).create({"company_id": self.company.id})
        run = self.run_dunning()
        with self.assertRaises(AccessError):
            run.with_user(self.salesman).read(["state"])
        with self.assertRaises(AccessError):
            run.communication_ids.with_user(self.salesman).read(["state"])
        # credit users read the dunning, accountants and credit managers run it
        credit_user = new_test_user(
            self.env,
            login="credit_reader",
            groups="base.group_user,credit_control.group_credit_user",
            company_id=self.company.id,
        )
        self.assertEqual(run.with_user(credit_user).sent_count, 1)
        with self.assertRaises(AccessError):
            self.env["credit.dunning.wizard"].with_user(credit_user).create({"company_id": self.company.id})
        manager_run = self.run_dunning(8, user=self.credit_manager)
        self.assertEqual((manager_run.state, manager_run.sent_count), ("done", 1))
        with self.assertRaisesText(UserError, "cannot be dated in the future"):
            self.env["credit.dunning.wizard"].with_user(self.accountant).create(
                {"company_id": self.company.id, "date": self.today + timedelta(days=1)}
            ).action_preview()


@tagged("post_install", "-at_install", "credit_control")
class TestDunningViews(DunningCommon):
    """The screens open for each role with what that role may see."""

    def test_accountant_screens(self):
        invoice = self.invoice_due(self.customer, 100.0, -10)
        run = self.run_dunning()
        with Form(run.with_user(self.accountant)) as form:
            self.assertEqual(form.state, "done")
            self.assertEqual(len(form.communication_ids), 1)
        with Form(self.customer.with_user(self.accountant)) as form:
            self.assertEqual(form.credit_dunning_level_id.name, "First reminder")
            self.assertEqual(form.credit_dunning_count, 1)
        with Form(invoice.with_user(self.accountant)) as form:
            form.credit_dunning_dispute = True
            self.assertEqual(form.credit_dunning_level_id.name, "First reminder")
        self.assertTrue(invoice.credit_dunning_dispute)
        with Form(self.policy.with_user(self.credit_manager)) as form:
            form.charge_fees = True
            self.assertAlmostEqual(form.interest_rate, 10.15)
        wizard = Form(self.env["credit.dunning.wizard"].with_user(self.accountant))
        self.assertEqual(wizard.date, self.today)

    def test_salesperson_screens_hide_dunning(self):
        invoice = self.invoice_due(self.customer, 100.0, -10)
        self.run_dunning()
        arch = self.env["res.partner"].with_user(self.salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("credit_dunning_policy_id", arch)
        arch = self.env["account.move"].with_user(self.salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("credit_dunning_line_ids", arch)
        invoice.with_user(self.salesman).read(["name", "payment_state"])
