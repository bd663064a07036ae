from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestSecurity(CreditControlCommon):
    """Only credit managers change credit settings; enforced on the server."""

    def test_salesperson_cannot_change_limits_or_flags(self):
        customer = self.customer.with_user(self.salesman)
        for vals in (
            {"credit_limit": 99999.0},
            {"credit_limit_temp_increase": 100.0, "credit_limit_temp_expiry": self.today + timedelta(days=2)},
            {"credit_hold": True},
            {"credit_blacklisted": True},
            {"credit_blacklist_reason": "x"},
        ):
            with self.assertRaisesText(AccessError, "Only credit managers can change credit limits"):
                customer.write(vals)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit, 1000.0)
        self.assertFalse(self.customer.credit_hold)
        self.assertFalse(self.customer.credit_blacklisted)
        with self.assertRaisesText(AccessError, "Only credit managers can change credit limits"):
            self.env["res.partner"].with_user(self.salesman).create({"name": "New", "credit_limit": 10.0})

    def test_salesperson_still_edits_customers_and_adds_contacts(self):
        self.customer.with_user(self.credit_manager).write(
            {
                "credit_hold": True,
                "credit_hold_reason": "Audit",
                "credit_limit": 2000.0,
            }
        )
        self.customer.with_user(self.salesman).write({"phone": "+33 1 23 45 67 89", "vat": "BE0477472701"})
        contact = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Bob Buyer",
                    "parent_id": self.customer.id,
                }
            )
        )
        self.assertTrue(contact.sudo().credit_hold, "contacts follow their company")
        self.assertEqual(self.customer.sudo().credit_limit, 2000.0)

    def test_invoicing_user_without_credit_group_cannot_change_limits(self):
        invoicing_user = new_test_user(
            self.env, login="billing_clerk", groups="base.group_user,account.group_account_invoice"
        )
        self.assertFalse(invoicing_user.has_group("credit_control.group_credit_manager"))
        with self.assertRaisesText(AccessError, "Only credit managers can change credit limits"):
            self.customer.with_user(invoicing_user).credit_limit = 5.0
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_accounting_administrator_is_a_credit_manager(self):
        """As in standard Odoo, an accounting administrator sets limits, also through the
        "Partner Limit" toggle of the partner form."""
        self.assertTrue(self.simple_accountman.has_group("credit_control.group_credit_manager"))
        customer = self.customer.with_user(self.simple_accountman)
        customer.credit_limit = 5000.0
        self.assertEqual(self.customer.credit_limit, 5000.0)
        customer.use_partner_credit_limit = False
        self.assertEqual(self.customer.credit_limit, 0.0, "back to the company's default limit")

    def test_credit_user_reads_figures_but_cannot_change(self):
        credit_user = self.credit_manager.with_context(no_reset_password=True).copy(
            {
                "login": "credit_user",
                "email": "credit.user@example.com",
                "groups_id": [
                    Command.set(
                        [self.env.ref("base.group_user").id, self.env.ref("credit_control.group_credit_user").id]
                    )
                ],
            }
        )
        self.create_invoice(self.customer, 250.0)
        customer = self.customer.with_user(credit_user)
        self.assertEqual(customer.credit_exposure, 250.0)
        self.assertFalse(customer.credit_is_manager)
        with self.assertRaisesText(AccessError, "Only credit managers can change credit limits"):
            customer.credit_limit = 10.0

    def test_salesperson_sees_only_holds_of_own_orders(self):
        other_salesman = self.salesman.with_context(no_reset_password=True).copy(
            {
                "login": "other_salesman",
                "email": "other.salesman@example.com",
            }
        )
        mine = self.create_order(self.customer, 1500.0)
        theirs = self.create_order(self.customer, 1600.0, user=other_salesman)
        self.confirm_as(self.salesman, mine)
        self.confirm_as(other_salesman, theirs)
        visible = self.env["credit.hold"].with_user(self.salesman).search([])
        self.assertEqual(visible, mine.credit_hold_ids)
        self.assertEqual(
            self.env["credit.hold"].with_user(self.credit_manager).search([]),
            (mine | theirs).credit_hold_ids,
        )
