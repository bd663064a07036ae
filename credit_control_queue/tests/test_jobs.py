from odoo.tests import TransactionCase, tagged

from odoo.addons.credit_control.tests.collections.test_statement import StatementCommon
from odoo.addons.credit_control.tests.common import CreditControlCommon
from odoo.addons.credit_control.tests.dunning.test_dunning import DunningCommon
from odoo.addons.queue_job.tests.common import trap_jobs

JOBS = {"credit_control_jobs": True}


def job_records(trap, method_name):
    return [job for job in trap.enqueued_jobs if job.method_name == method_name]


@tagged("post_install", "-at_install", "credit_control_queue")
class TestQueueSetup(TransactionCase):
    """Installed with queue_job; the channels and the job functions the job runner reads."""

    def test_installed_channels_and_functions(self):
        bridge = self.env["ir.module.module"].search([("name", "=", "credit_control_queue")])
        self.assertEqual((bridge.state, bridge.auto_install), ("installed", True))
        self.assertEqual(set(bridge.dependencies_id.mapped("name")), {"credit_control", "queue_job"})
        channels = self.env["queue.job.channel"].search([("complete_name", "=like", "root.credit_control%")])
        self.assertEqual(
            sorted(channels.mapped("complete_name")),
            [
                "root.credit_control",
                "root.credit_control.dunning",
                "root.credit_control.registry",
                "root.credit_control.scoring",
                "root.credit_control.statements",
            ],
        )
        functions = self.env["queue.job.function"].search([("channel", "=like", "root.credit_control.%")])
        self.assertEqual(
            {function.name: function.channel for function in functions},
            {
                "<res.partner>._credit_score_batch": "root.credit_control.scoring",
                "<credit.dunning.communication>._send_batch": "root.credit_control.dunning",
                "<credit.dunning.run>._credit_finish_sent": "root.credit_control.dunning",
                "<credit.collection.statement>._send_batch": "root.credit_control.statements",
                "<credit.registry.provider>._credit_refresh_batch": "root.credit_control.registry",
            },
        )
        send = functions.filtered(lambda function: function.method == "_send_batch" and "dunning" in function.channel)
        self.assertEqual(send._parse_retry_pattern(), {1: 60, 3: 300, 5: 900})

    def test_switch(self):
        batches = self.env["credit.batch"]
        self.assertFalse(batches._credit_jobs_enabled(), "tests of the core keep the in-process path")
        self.assertTrue(batches.with_context(**JOBS)._credit_jobs_enabled())
        self.assertFalse(batches.with_context(queue_job__no_delay=True, **JOBS)._credit_jobs_enabled())


@tagged("post_install", "-at_install", "credit_control_queue")
class TestQueueDunning(DunningCommon):
    """A dunning run sent by jobs: one per batch on the dunning channel, the same result as the
    in-process path, and nothing sent twice."""

    def setUp(self):
        super().setUp()
        self.customers = self.customer | self.new_customer("Beta Stores") | self.new_customer("Gamma Foods")
        for partner in self.customers:
            self.invoice_due(partner, 100.0, -10)

    def test_run_sent_by_jobs(self):
        run = self.preview()
        self.assertEqual(run.communication_count, 3)
        communications = run.communication_ids.sorted("id")
        with trap_jobs() as trap:
            run.with_context(**JOBS)._execute(batch_size=2)
            trap.assert_jobs_count(2)
            trap.assert_enqueued_job(
                communications[:2]._send_batch,
                properties={"channel": "root.credit_control.dunning"},
            )
            trap.assert_enqueued_job(
                communications[2:]._send_batch,
                properties={"channel": "root.credit_control.dunning"},
            )
            keys = [job.identity_key for job in trap.enqueued_jobs]
            self.assertEqual(len(set(keys)), 2)
            self.assertTrue(
                all(key.startswith("credit_control:credit.dunning.communication._send_batch:") for key in keys)
            )
            self.assertEqual(run.state, "running", "handed to the jobs, not sent yet")
            self.assertEqual(set(communications.mapped("state")), {"draft"})
            self.assertFalse(self.mails_of(self.customers))
            # the cron or the button again while the jobs wait: the same batches are not queued twice
            run.with_context(**JOBS)._execute(batch_size=2)
            self.assertEqual(len(trap.calls), 4)
            trap.assert_jobs_count(2)

            send_jobs = list(trap.enqueued_jobs)
            trap.perform_enqueued_jobs()
            self.assertEqual(set(communications.mapped("state")), {"sent"})
            self.assertEqual(len(self.mails_of(self.customers)), 3)
            self.assertEqual(run.state, "running", "closed by its own job once the batches are committed")
            finish = job_records(trap, "_credit_finish_sent")
            self.assertEqual(len(finish), 2, "one closing job per batch, started after its commit")
            self.assertEqual({job.channel for job in finish}, {"root.credit_control.dunning"})
            trap.perform_enqueued_jobs()
            self.assertEqual(run.state, "done")
            self.assertEqual(run.sent_count, 3)

            # a batch performed again (a retry after its commit) sends nothing twice
            for job in send_jobs:
                job.perform()
            self.assertEqual(len(self.mails_of(self.customers)), 3)
            self.assertEqual(self.mails_of(self.customers).recipient_ids, self.customers)

    def outcome(self, run):
        """What a user sees of a sent run: per customer its level, state, channels and emails."""
        self.env.invalidate_all()
        return (
            run.state,
            sorted(
                (
                    comm.partner_id.name,
                    comm.level_id.name,
                    comm.state,
                    comm.channels,
                    len(self.mails_of(comm.partner_id)),
                )
                for comm in run.communication_ids
                if comm.partner_id in self.customers
            ),
        )

    def test_same_result_as_the_cron_path(self):
        with self.env.cr.savepoint() as savepoint:
            expected = self.outcome(self.run_dunning())
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertEqual(expected[0], "done")
        self.assertEqual(
            expected[1],
            sorted(
                [
                    ("Beta Stores", "First reminder", "sent", "Email", 1),
                    ("Gamma Foods", "First reminder", "sent", "Email", 1),
                    (self.customer.name, "First reminder", "sent", "Email", 1),
                ]
            ),
        )
        self.assertFalse(self.mails_of(self.customers), "rolled back")
        with trap_jobs() as trap:
            run = self.preview()
            run.with_context(**JOBS).with_user(self.accountant).action_send()
            self.assertEqual(run.state, "running")
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        self.assertEqual(self.outcome(run), expected)

    def test_cron_hands_the_run_to_jobs(self):
        with trap_jobs() as trap:
            self.env["credit.dunning.run"].with_context(**JOBS)._cron_run_dunning()
            run = self.env["credit.dunning.run"].search([("company_id", "=", self.company.id)], limit=1)
            self.assertEqual((run.trigger, run.state), ("cron", "running"))
            mine = run.communication_ids.filtered(lambda comm: comm.partner_id in self.customers)
            self.assertEqual(len(mine), 3)
            self.assertEqual(set(mine.mapped("state")), {"draft"})
            self.assertTrue(job_records(trap, "_send_batch"))
            for job in job_records(trap, "_send_batch"):
                self.assertEqual(job.channel, "root.credit_control.dunning")
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        self.assertEqual(set(mine.mapped("state")), {"sent"})
        self.assertEqual(run.state, "done")


@tagged("post_install", "-at_install", "credit_control_queue")
class TestQueueScoring(CreditControlCommon):
    """The daily scoring as one job per batch on the scoring channel."""

    def test_cron_queues_scoring_batches(self):
        self.create_invoice(self.customer, 100.0)
        scores = self.env["credit.score"]
        with trap_jobs() as trap:
            scores.with_context(**JOBS)._cron_compute_scores()
            jobs = job_records(trap, "_credit_score_batch")
            mine = [job for job in jobs if self.customer in job.recordset]
            self.assertEqual(len(mine), 1)
            self.assertEqual(mine[0].channel, "root.credit_control.scoring")
            self.assertEqual(mine[0].args, (self.company, self.today))
            self.assertTrue(mine[0].identity_key.startswith("credit_control:res.partner._credit_score_batch:"))
            self.assertFalse(scores.search([("partner_id", "=", self.customer.id)]), "scored by the job")
            self.assertIn(self.customer.id, scores._pending_partner_ids(self.company, self.today))
            for job in mine:
                job.perform()
            score = scores.search([("partner_id", "=", self.customer.id)])
            self.assertEqual(len(score), 1)
            self.assertNotIn(self.customer.id, scores._pending_partner_ids(self.company, self.today))
            # the same batch again: nothing new
            values = (score.score, score.grade, score.suggested_limit)
            mine[0].perform()
            score = scores.search([("partner_id", "=", self.customer.id)])
            self.assertEqual(len(score), 1)
            self.assertEqual((score.score, score.grade, score.suggested_limit), values)
        # the in-process path scores the same
        other = self.env["res.partner"].create({"name": "Twin Ltd", "is_company": True})
        self.create_invoice(other, 100.0)
        scores._run_scoring(self.company, partners=other)
        twin = scores.search([("partner_id", "=", other.id)])
        self.assertEqual((twin.score, twin.grade, twin.suggested_limit), values)


@tagged("post_install", "-at_install", "credit_control_queue")
class TestQueueStatements(StatementCommon):
    """The monthly statements: one job per batch on the statements channel, sent once."""

    def test_monthly_run_by_jobs(self):
        first_day = self.today.replace(day=1)
        with trap_jobs() as trap:
            created = self.statements.with_context(**JOBS)._run_monthly(self.company, first_day)
            mine = created.filtered(lambda statement: statement.partner_id in (self.customer | self.other))
            self.assertEqual(len(mine), 2)
            self.assertEqual(set(mine.mapped("state")), {"draft"}, "sent by the jobs")
            jobs = job_records(trap, "_send_batch")
            self.assertTrue(jobs)
            self.assertEqual({job.channel for job in jobs}, {"root.credit_control.statements"})
            trap.perform_enqueued_jobs()
            self.assertEqual(set(mine.mapped("state")), {"sent"})
            domain = [("model", "=", "credit.collection.statement"), ("res_id", "in", mine.ids)]
            self.assertEqual(self.env["mail.mail"].search_count(domain), 2)
            for job in jobs:
                job.perform()
            self.assertEqual(self.env["mail.mail"].search_count(domain), 2, "nothing sent twice")
