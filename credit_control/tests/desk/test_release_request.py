from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestReleaseRequest(CreditControlCommon):
    """The salesperson comments on his hold, attaches proof and asks for a release; only a credit
    manager decides, with a dialog asking the reason only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.credit_manager.notification_type = "email"
        cls.create_invoice(cls.customer, 700.0)
        cls.order = cls.create_order(cls.customer, 450.0)
        cls.order.with_user(cls.salesman).action_confirm()
        cls.hold = cls.order.credit_hold_ids
        cls.request_type = cls.env.ref("credit_control.mail_activity_type_credit_release_request")

    def request(self, justification, user=None, hold=None):
        hold = (hold or self.hold).with_user(user or self.salesman)
        action = hold.action_request_release()
        self.assertEqual(action["res_model"], "credit.hold.release.request")
        wizard = Form(self.env[action["res_model"]].with_user(user or self.salesman).with_context(**action["context"]))
        wizard.justification = justification
        return wizard.save().action_apply()

    def request_activities(self):
        return self.hold.activity_ids.filtered(lambda activity: activity.activity_type_id == self.request_type)

    def test_salesperson_comments_and_attaches_proof(self):
        hold = self.hold.with_user(self.salesman)
        message = hold.message_post(
            body=self.env._("Paid by wire this morning"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("remittance.pdf", b"%PDF-1.4 remittance")],
        )
        self.assertEqual(message.author_id, self.salesman.partner_id)
        self.assertEqual(message.attachment_ids.mapped("name"), ["remittance.pdf"])
        self.assertEqual(message.attachment_ids.res_model, "credit.hold")
        self.assertIn(message, self.hold.with_user(self.credit_manager).message_ids)
        self.assertEqual(self.hold.state, "pending", "a comment decides nothing")

    def test_request_release_posts_and_gives_managers_an_activity(self):
        self.assertEqual(
            self.order.with_user(self.salesman).action_credit_request_release()["context"],
            {"default_hold_id": self.hold.id},
        )
        self.request("The customer paid 500 by wire; remittance attached")
        self.assertTrue(self.hold.release_requested)
        self.assertTrue(self.hold.release_request_date)
        self.assertEqual(self.hold.release_requested_by_id, self.salesman)
        self.assertEqual(self.hold.release_request_note, "The customer paid 500 by wire; remittance attached")
        self.assertEqual(self.hold.state, "pending", "a request decides nothing")
        self.assertTrue(self.order.with_user(self.salesman).credit_release_requested)
        message = self.hold.message_ids.filtered(lambda m: "requests the release" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.salesman.partner_id)
        self.assertIn("Sam Sales requests the release of credit hold %s:" % self.hold.name, message.body)
        self.assertIn("The customer paid 500 by wire; remittance attached", message.body)
        self.assertIn(self.credit_manager.partner_id, message.partner_ids)
        notification = self.env["mail.notification"].search(
            [("mail_message_id", "=", message.id), ("res_partner_id", "=", self.credit_manager.partner_id.id)]
        )
        self.assertEqual(notification.notification_type, "email", "the manager is mailed")
        activities = self.request_activities()
        activity = activities.filtered(lambda a: a.user_id == self.credit_manager)
        self.assertIn(self.credit_manager, activities.user_id)
        self.assertEqual(activities.user_id, self.company._get_credit_managers(), "one for each credit manager")
        self.assertEqual(activity.summary, "Release requested: %s" % self.hold.name)
        self.assertIn("paid 500 by wire", activity.note)
        queue = (
            self.env["credit.hold"]
            .with_user(self.credit_manager)
            .search([("state", "=", "pending"), ("release_requested", "=", True)])
        )
        self.assertEqual(queue, self.hold, "the Release Requested filter of the queue")
        # asking again updates the justification, without a second activity per manager
        self.request("Guarantee from the parent company too")
        self.assertEqual(self.hold.release_request_note, "Guarantee from the parent company too")
        self.assertEqual(len(self.request_activities()), len(self.company._get_credit_managers()))

    def test_release_dialog_offers_the_justification_and_closes_the_request(self):
        self.request("Deposit received")
        action = self.hold.with_user(self.credit_manager).with_context(credit_decision="release")
        action = action.action_open_decision_wizard()
        dialog = Form(self.env["credit.hold.decision"].with_user(self.credit_manager).with_context(**action["context"]))
        self.assertEqual(dialog.decision, "release", "the button clicked is the decision")
        self.assertEqual(dialog.reason, "Deposit received")
        dialog.save().action_apply()
        self.assertEqual(self.hold.state, "released")
        self.assertEqual(self.hold.decision_reason, "Deposit received")
        self.assertEqual(self.order.state, "sale")
        self.assertFalse(self.request_activities(), "the request is answered")

    def test_reject_dialog_does_not_offer_the_justification(self):
        self.request("Deposit received")
        action = self.hold.with_user(self.credit_manager).with_context(credit_decision="reject")
        action = action.action_open_decision_wizard()
        dialog = Form(self.env["credit.hold.decision"].with_user(self.credit_manager).with_context(**action["context"]))
        self.assertEqual(dialog.decision, "reject")
        self.assertFalse(dialog.reason)

    def test_salesperson_never_decides(self):
        self.request("Paid")
        hold = self.hold.with_user(self.salesman)
        with self.assertRaisesText(AccessError, "not allowed to modify"):
            hold.write({"state": "released"})
        with self.assertRaisesText(AccessError, "not allowed to modify"):
            hold.write({"release_requested": False})
        with self.assertRaisesText(AccessError, "Only credit managers can release or reject credit holds"):
            hold._release("I say so")
        with self.assertRaisesText(AccessError, "Only credit managers can release or reject credit holds"):
            hold.action_open_decision_wizard()
        with self.assertRaisesText(AccessError, "not allowed to create"):
            self.env["credit.hold.decision"].with_user(self.salesman).create(
                {"hold_ids": hold.ids, "decision": "release", "reason": "x"}
            )
        self.assertEqual((self.hold.state, self.order.state), ("pending", "draft"))

    def test_refusals_leave_nothing_half_written(self):
        with self.assertRaisesText(UserError, "Say why the credit hold should be released."):
            self.hold.with_user(self.salesman)._request_release("   ")
        self.assertFalse(self.hold.release_requested)
        self.assertFalse(self.request_activities())
        other = self.salesman.with_context(no_reset_password=True).copy(
            {"login": "other_salesman", "email": "other@example.com"}
        )
        with self.assertRaises(AccessError):
            self.hold.with_user(other).action_request_release()
        self.hold._release("Paid")
        with self.assertRaisesText(UserError, "%s waits on no credit hold." % self.order.name):
            self.order.with_user(self.salesman).action_credit_request_release()
        with self.assertRaisesText(UserError, "These credit holds were already decided: %s" % self.hold.name):
            self.hold.with_user(self.salesman)._request_release("Please")
        self.assertFalse(self.hold.release_requested)
