from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditAlert(CreditControlCommon):
    """Alerts are raised once per event, reach the responsible people and respect access."""

    def raise_alert(self, partner, key, alert_type="exposure"):
        return self.env["credit.alert"]._raise_alerts(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "alert_type": alert_type,
                    "event_key": key,
                    "message": "Exposure at 95% of the limit.",
                }
            ]
        )

    def test_same_event_raises_one_alert(self):
        self.customer.user_id = self.salesman
        first = self.raise_alert(self.customer, "exposure:1")
        self.assertEqual(len(first), 1)
        self.assertEqual(
            (first.state, first.user_id, first.name), ("new", self.salesman, "Exposure near the limit: Acme Retail")
        )
        self.assertFalse(self.raise_alert(self.customer, "exposure:1"), "the same event never raises twice")
        duplicates = self.env["credit.alert"]._raise_alerts(
            [
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "alert_type": "score_drop",
                    "event_key": "score:7",
                    "message": "Score dropped.",
                },
            ]
            * 2
        )
        self.assertEqual(len(duplicates), 1, "duplicates within one batch are folded")
        self.assertEqual(len(self.raise_alert(self.customer, "exposure:2")), 1, "a new event raises again")
        # the salesperson and the credit managers follow the alert and get its message
        followers = first.message_follower_ids.partner_id
        self.assertIn(self.salesman.partner_id, followers)
        self.assertIn(self.credit_manager.partner_id, followers)
        message = first.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("credit_control.mt_credit_alert"))
        self.assertIn("Exposure at 95% of the limit.", message.body)
        self.assertIn(self.salesman.partner_id, message.notified_partner_ids)

    def test_salesperson_sees_own_customers_alerts_only(self):
        self.customer.user_id = self.salesman
        other = self.env["res.partner"].create({"name": "Other Ltd", "is_company": True})
        mine = self.raise_alert(self.customer, "exposure:1")
        theirs = self.raise_alert(other, "exposure:1")
        visible = self.env["credit.alert"].with_user(self.salesman).search([("id", "in", (mine | theirs).ids)])
        self.assertEqual(visible, mine)
        with self.assertRaisesText(AccessError, "not allowed to modify"):
            mine.with_user(self.salesman).write({"state": "acknowledged"})
        self.assertEqual(
            self.env["credit.alert"].with_user(self.credit_manager).search_count([("id", "in", (mine | theirs).ids)]),
            2,
        )
        mine.with_user(self.credit_manager).action_acknowledge()
        self.assertEqual(mine.state, "acknowledged")
        mine.with_user(self.credit_manager).action_reopen()
        self.assertEqual((mine.state, mine.acknowledged_by_id.id), ("new", False))

    def test_many_alerts_at_once_are_logged_not_notified(self):
        """A first scoring over a whole book raises many alerts: followed and logged, no inbox flood."""
        partners = self.env["res.partner"].create(
            [{"name": "Book %s" % index, "is_company": True, "user_id": self.salesman.id} for index in range(4)]
        )
        notifications = self.env["mail.notification"].search_count([])
        with patch.object(type(self.env["credit.alert"]), "_notify_limit", 3):
            alerts = self.env["credit.alert"]._raise_alerts(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "alert_type": "new_overdue",
                        "event_key": "new_overdue:2026-01-01",
                        "message": "An item is overdue (%s)." % partner.name,
                    }
                    for partner in partners
                ]
            )
        self.assertEqual(len(alerts), 4)
        self.assertEqual(self.env["mail.notification"].search_count([]), notifications, "nobody is notified")
        for alert, partner in zip(alerts.sorted("id"), partners, strict=True):
            self.assertIn(self.credit_manager.partner_id, alert.message_follower_ids.partner_id)
            self.assertIn(self.salesman.partner_id, alert.message_follower_ids.partner_id)
            self.assertTrue(alert.message_ids.filtered(lambda m, p=partner: p.name in (m.body or "")))
