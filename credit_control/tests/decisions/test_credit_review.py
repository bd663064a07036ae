from datetime import timedelta

from odoo.tests import tagged

from ...lib.decisions import add_months
from .common import CreditDecisionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditReview(CreditDecisionsCommon):
    """Periodic reviews by the daily job, events that bring them forward, limits with a validity date."""

    def run_cron(self):
        self.Request._cron_credit_reviews()
        self.customer.invalidate_recordset()

    def review_requests(self, partner=None):
        return self.Request.search(
            [("partner_id", "=", (partner or self.customer).id), ("kind", "=", "review")], order="id"
        )

    def test_cron_creates_review_requests_with_todays_figures(self):
        self.create_invoice(self.customer, 300.0)
        self.customer.credit_review_date = self.today - timedelta(days=1)
        newcomer = self.env["res.partner"].create(
            {"name": "Unscheduled Ltd", "is_company": True, "credit_limit": 500.0}
        )
        self.run_cron()
        request = self.review_requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.origin, "review")
        self.assertEqual(request.requested_limit, 1000.0)
        self.assertEqual(request.current_limit, 1000.0)
        self.assertEqual(request.exposure, 300.0)
        activity = request.activity_ids.filtered(lambda a: a.user_id == self.credit_manager)
        self.assertEqual(activity.activity_type_id, self.env.ref("credit_control.mail_activity_type_credit_review"))
        self.assertEqual(activity.summary, "Credit review of Acme Retail")
        # a customer with credit and no review date gets one from its grade (ungraded: 6 months), no request yet
        self.assertEqual(newcomer.credit_review_date, add_months(self.today, 6))
        self.assertFalse(self.review_requests(newcomer))
        # the next run creates nothing more while the review is open
        self.run_cron()
        self.assertEqual(self.review_requests(), request)

        # the credit manager raises the limit in the review; once approved, the next review follows the grade
        request.with_user(self.credit_manager).write({"requested_limit": 1200.0})
        request.with_user(self.credit_manager).action_submit()
        self.review(request, self.sales_boss)
        self.review(request, self.credit_manager)
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.customer.credit_limit, 1200.0)
        self.assertEqual(self.customer.credit_review_date, add_months(self.today, 6))

    def test_rejected_review_keeps_the_limit_and_schedules_the_next(self):
        self.customer.credit_review_date = self.today
        self.run_cron()
        request = self.review_requests()
        request.with_user(self.credit_manager).write({"requested_limit": 3000.0})
        request.action_submit()
        self.review(request, self.sales_boss, approve=False, comment="No")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(self.customer.credit_limit, 1000.0)
        self.assertEqual(self.customer.credit_review_date, add_months(self.today, 6))

    def test_events_bring_the_review_forward(self):
        later = self.today + timedelta(days=90)
        self.customer.credit_review_date = later
        alerts = self.env["credit.alert"]
        alerts._raise_alerts(
            [
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "alert_type": "exposure",
                    "event_key": "test:exposure",
                    "message": "Exposure near the limit",
                }
            ]
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_review_date, later, "not every alert calls for a review")
        for alert_type in ("grade_drop", "registry_status", "dunning"):
            self.customer.credit_review_date = later
            alerts._raise_alerts(
                [
                    {
                        "partner_id": self.customer.id,
                        "company_id": self.company.id,
                        "alert_type": alert_type,
                        "event_key": "test:%s" % alert_type,
                        "message": "Event",
                    }
                ]
            )
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.credit_review_date, self.today, alert_type)
        self.run_cron()
        self.assertEqual(len(self.review_requests()), 1)

    def test_expired_limit_holds_with_its_reason(self):
        self.customer.credit_limit_valid_until = self.today - timedelta(days=1)
        partner = self.figures_of(self.customer)
        self.assertTrue(partner.credit_limit_expired)
        self.assertEqual(partner.credit_limit_effective, 0.0)
        order = self.create_order(self.customer, 100.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "draft")
        self.assertIn(
            "Credit limit expired on %s." % (self.today - timedelta(days=1)).isoformat(),
            order.credit_hold_ids.reason_summary,
        )
        # within its validity the limit counts in full
        self.customer.credit_limit_valid_until = self.today
        partner = self.figures_of(self.customer)
        self.assertFalse(partner.credit_limit_expired)
        self.assertEqual(partner.credit_limit_effective, 1000.0)
        order = self.create_order(self.customer, 100.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

    def test_validity_reminder_once_30_days_before(self):
        self.customer.credit_limit_valid_until = self.today + timedelta(days=31)
        self.run_cron()
        alerts = self.env["credit.alert"].search(
            [("partner_id", "=", self.customer.id), ("alert_type", "=", "limit_validity")]
        )
        self.assertFalse(alerts)
        self.customer.credit_limit_valid_until = self.today + timedelta(days=30)
        self.run_cron()
        self.run_cron()
        alerts = self.env["credit.alert"].search(
            [("partner_id", "=", self.customer.id), ("alert_type", "=", "limit_validity")]
        )
        self.assertEqual(len(alerts), 1)
        self.assertIn("is valid until %s" % (self.today + timedelta(days=30)).isoformat(), alerts.message)

    def test_approved_request_sets_the_validity(self):
        valid_until = self.today + timedelta(days=365)
        request = self.new_request(requested_limit=1500.0, valid_until=valid_until)
        request.action_submit()
        self.review(request, self.sales_boss)
        self.review(request, self.credit_manager)
        self.assertEqual(self.customer.credit_limit_valid_until, valid_until)
