from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditLimit(CreditControlCommon):
    """Limits per commercial partner and company, temporary increases, tracking."""

    def setUp(self):
        super().setUp()
        # the customer exists from an earlier transaction, as in real use: changes are tracked
        self.env.cr.precommit.run()

    def _tracked_values(self, partner, field_name):
        self.env.cr.precommit.run()  # tracking is written when the transaction ends
        self.env.invalidate_all()
        messages = partner.message_ids.filtered(lambda m: field_name in m.tracking_value_ids.field_id.mapped("name"))
        return [
            (value.old_value_float, value.new_value_float, message.author_id)
            for message in messages
            for value in message.tracking_value_ids
            if value.field_id.name == field_name
        ]

    def test_limit_change_is_tracked_with_author_old_and_new(self):
        self.customer.with_user(self.credit_manager).credit_limit = 2500.0
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit, 2500.0)
        self.assertIn(
            (1000.0, 2500.0, self.credit_manager.partner_id),
            self._tracked_values(self.customer, "credit_limit"),
        )

    def test_contacts_share_the_commercial_partner_limit(self):
        self.customer.with_user(self.credit_manager).credit_limit = 1800.0
        self.assertEqual(self.customer_contact.credit_limit, 1800.0)
        self.assertEqual(self.figures_of(self.customer_contact).credit_limit_effective, 1800.0)
        self.customer.with_user(self.credit_manager).write({"credit_hold": True, "credit_hold_reason": "Audit"})
        self.assertTrue(self.customer_contact.credit_hold)

    def test_temporary_increase_until_expiry(self):
        self.customer.with_user(self.credit_manager).write(
            {
                "credit_limit_temp_increase": 500.0,
                "credit_limit_temp_expiry": self.today + timedelta(days=10),
            }
        )
        self.assertEqual(self.figures_of(self.customer).credit_limit_effective, 1500.0)
        tracked = self._tracked_values(self.customer, "credit_limit_temp_increase")
        self.assertIn((0.0, 500.0, self.credit_manager.partner_id), tracked)
        # the last day still counts; the day after, only the base limit is in force
        with freeze_time(self.today + timedelta(days=10)):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.credit_limit_effective, 1500.0)
        with freeze_time(self.today + timedelta(days=11)):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.credit_limit_effective, 1000.0)

    def test_negative_limit_is_refused_and_nothing_written(self):
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            self.customer.with_user(self.credit_manager).credit_limit = -5.0
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit, 1000.0)
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            self.customer.with_user(self.credit_manager).write(
                {
                    "credit_limit_temp_increase": -10.0,
                    "credit_limit_temp_expiry": self.today + timedelta(days=3),
                }
            )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit_temp_increase, 0.0)
        self.assertFalse(self.customer.credit_limit_temp_expiry)

    def test_expiry_in_the_past_is_refused(self):
        with self.assertRaisesText(ValidationError, "cannot expire in the past"):
            self.customer.with_user(self.credit_manager).write(
                {
                    "credit_limit_temp_increase": 300.0,
                    "credit_limit_temp_expiry": self.today - timedelta(days=1),
                }
            )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit_temp_increase, 0.0)

    def test_increase_without_expiry_is_refused(self):
        with self.assertRaisesText(ValidationError, "needs an expiry date"):
            self.customer.with_user(self.credit_manager).credit_limit_temp_increase = 300.0
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit_temp_increase, 0.0)

    def test_credit_manager_sets_limit_in_the_partner_form(self):
        with Form(self.customer.with_user(self.credit_manager)) as form:
            form.credit_limit = 4000.0
            form.credit_hold = True
            form.credit_hold_reason = "Ownership change under review"
        self.assertEqual(self.customer.credit_limit, 4000.0)
        self.assertTrue(self.customer.credit_hold)
