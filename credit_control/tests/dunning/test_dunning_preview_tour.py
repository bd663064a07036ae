from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_dunning_preview import DunningPreviewCommon


@tagged("post_install", "-at_install", "credit_control")
class TestDunningPreviewTour(DunningPreviewCommon, HttpCase):
    """In the browser: a credit manager reads the preview of a run, excludes one customer and
    sends the others."""

    def test_preview_exclude_then_send(self):
        collector = new_test_user(
            self.env,
            login="tour_dunning_collector",
            name="Tour Collector",
            email="collector@example.com",
            groups="base.group_user,account.group_account_invoice,credit_control.group_credit_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        other = self.new_customer("Other Ltd")
        nowhere = self.new_customer("Nowhere Ltd", email=False, street=False, city=False)
        self.invoice_due(self.customer, 1250.0, -10)
        self.invoice_due(other, 400.0, -10)
        self.invoice_due(nowhere, 100.0, -10)
        run = self.preview(user=collector)
        self.assertEqual(run.state, "previewed")
        self.assertFalse(self.queued_mails(run.communication_ids))
        self.start_tour(
            "/odoo/action-credit_control.action_credit_dunning_run/%s" % run.id,
            "credit_control_dunning_preview_tour",
            login=collector.login,
        )
        acme = self.communication(run, self.customer)
        self.assertEqual((acme.state, acme.excluded, acme.excluded_by_id), ("cancelled", True, collector))
        self.assertFalse(self.queued_mails(acme), "the excluded customer got nothing")
        sent = self.communication(run, other)
        self.assertEqual(sent.state, "sent")
        mail = self.queued_mails(sent)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, other)
        self.assertIn("$\xa0400.00", str(mail.body_html))
        self.assertEqual(self.communication(run, nowhere).state, "cancelled")
        self.assertFalse(self.queued_mails(self.communication(run, nowhere)))
        self.assertEqual(run.state, "done")
