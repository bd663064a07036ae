from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestInvoiceCheckpoint(CreditControlCommon):
    """Posting a customer invoice is a door of its own: held with a decision record, once counted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"credit_check_invoice": True, "credit_invoice_grace_days": 0})

    def invoice_of(self, order):
        invoice = order._create_invoices()
        self.assertEqual(invoice.state, "draft")
        return invoice

    def exposure(self):
        return self.env["credit.exposure"]._get_figures(self.customer, self.company)[self.customer.id].exposure

    def test_invoice_over_limit_is_held_at_posting(self):
        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        action = invoice.action_post()

        self.assertEqual(invoice.state, "draft", "a held invoice stays a draft")
        self.assertEqual(action["params"]["title"], "Credit hold")
        hold = invoice.credit_hold_ids
        self.assertEqual(len(hold), 1)
        self.assertRecordValues(
            hold,
            [
                {
                    "checkpoint": "invoice",
                    "move_id": invoice.id,
                    "order_id": False,
                    "partner_id": self.customer.id,
                    "amount_company": 1500.0,
                    "state": "pending",
                }
            ],
        )
        self.assertEqual(
            hold.reason_ids.mapped("message"),
            [
                "Exposure $\xa00.00 plus this invoice $\xa01,500.00 exceeds the credit limit $\xa01,000.00 "
                "by $\xa0500.00."
            ],
        )
        self.assertEqual(invoice.credit_hold_state, "pending")
        self.assertEqual(hold.document_name, invoice.display_name)
        self.assertIn(
            "Invoice posting of %s is on credit hold %s" % (invoice.display_name, hold.name),
            invoice.message_ids[0].body,
        )
        self.assertTrue(hold.activity_ids, "credit managers get a review activity")

    def test_invoice_paid_online_passes_unless_a_transaction_is_not_done(self):
        method = self.env.ref("payment.payment_method_unknown")
        provider = self.env["payment.provider"].create(
            {"name": "Test Provider", "code": "none", "state": "test", "payment_method_ids": [Command.set(method.ids)]}
        )
        method.active = True
        paid, pending, partly = (self.create_invoice(self.customer, 1500.0, post=False) for _index in range(3))
        for invoice, amount, state in ((paid, 1500.0, "done"), (pending, 1500.0, "pending"), (partly, 1499.0, "done")):
            self.env["payment.transaction"].create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "reference": "TX-%s" % invoice.id,
                    "amount": amount,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "state": state,
                }
            )
        paid.action_post()
        self.assertEqual(paid.state, "posted", "paid online: let through over the limit")
        self.assertFalse(paid.credit_hold_ids)
        for invoice in pending | partly:
            invoice.action_post()
            self.assertEqual(invoice.state, "draft", "a pending transaction or 1,499 of 1,500 pays nothing")
            self.assertEqual(invoice.credit_hold_ids.state, "pending")

    def test_order_then_draft_then_posted_invoice_count_once(self):
        order = self.create_order(self.customer, 800.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.exposure(), 800.0)
        invoice = self.invoice_of(order)
        self.assertEqual(self.exposure(), 800.0, "the draft invoice replaces what the order had to invoice")
        invoice.action_post()
        self.assertEqual(invoice.state, "posted", "800 within a 1,000 limit: the invoice counts once")
        self.assertEqual(self.exposure(), 800.0)
        self.assertFalse(invoice.credit_hold_ids)

    def test_refund_never_held(self):
        self.customer.write({"credit_blacklisted": True, "credit_blacklist_reason": "Fraud"})
        refund = self.create_invoice(self.customer, 5000.0, post=False, move_type="out_refund")
        refund.action_post()
        self.assertEqual(refund.state, "posted")
        self.assertFalse(refund.credit_hold_ids)

    def test_blacklisted_customer_invoice_held_even_within_limit(self):
        self.customer.write({"credit_blacklisted": True, "credit_blacklist_reason": "Fraud"})
        invoice = self.create_invoice(self.customer, 100.0, post=False)
        invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.credit_hold_ids.reason_ids.mapped("rule"), ["blacklist"])

    def test_invoice_of_released_order_passes_for_that_amount(self):
        order = self.create_order(self.customer, 1500.0)
        order.action_confirm()
        hold = order.credit_hold_ids
        hold._release("Long-standing customer")
        self.assertEqual(order.state, "sale")
        invoice = self.invoice_of(order)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted", "the manager released this amount for this order")
        self.assertFalse(invoice.credit_hold_ids)

    def test_invoice_larger_than_released_order_is_checked(self):
        order = self.create_order(self.customer, 1500.0)
        order.action_confirm()
        order.credit_hold_ids._release("Long-standing customer")
        invoice = self.invoice_of(order)
        invoice.write(
            {"invoice_line_ids": [Command.create({"name": "Extra", "quantity": 1, "price_unit": 300.0, "tax_ids": []})]}
        )
        invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.credit_hold_ids.amount_company, 1800.0)

    def test_grace_days_let_an_invoice_checked_at_confirmation_through(self):
        self.company.credit_invoice_grace_days = 5
        order = self.create_order(self.customer, 800.0)
        order.action_confirm()
        self.assertEqual(order.credit_checked_amount, 800.0)
        self.assertTrue(order.credit_checked_date)
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        invoice = self.invoice_of(order)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted", "checked at confirmation within 5 days for 800")

    def test_grace_days_expired_or_zero_means_a_new_check(self):
        self.company.credit_invoice_grace_days = 5
        order = self.create_order(self.customer, 800.0)
        order.action_confirm()
        order.sudo().credit_checked_date = fields.Datetime.now() - timedelta(days=6)
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit"})
        invoice = self.invoice_of(order)
        invoice.action_post()
        self.assertEqual(invoice.state, "draft", "checked 6 days ago: beyond the 5 grace days")
        self.assertEqual(invoice.credit_hold_ids.reason_ids.mapped("rule"), ["manual_hold"])

    def test_release_posts_the_invoice_and_reject_keeps_it_draft(self):
        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        invoice.action_post()
        invoice.credit_hold_ids.with_user(self.credit_manager)._release("Bank guarantee received")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.credit_hold_ids.state, "released")
        self.assertIn(
            "Bank guarantee received",
            invoice.message_ids[:3].mapped("body")[-1] + "".join(invoice.message_ids.mapped("body")),
        )

        other = self.create_invoice(self.customer, 1500.0, post=False)
        other.action_post()
        other.credit_hold_ids.with_user(self.credit_manager)._reject("No guarantee")
        self.assertEqual(other.state, "draft")
        self.assertEqual(other.credit_hold_state, "rejected")

    def test_release_refused_when_invoice_grew(self):
        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        invoice.action_post()
        hold = invoice.credit_hold_ids
        invoice.write(
            {"invoice_line_ids": [Command.create({"name": "Extra", "quantity": 1, "price_unit": 300.0, "tax_ids": []})]}
        )
        with self.assertRaisesText(UserError, "changed since credit hold"):
            hold.with_user(self.credit_manager)._release("ok")
        self.assertEqual(hold.state, "pending")
        self.assertEqual(invoice.state, "draft")

    def test_other_paths_are_refused_with_the_reasons(self):
        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        with self.assertRaisesText(UserError, "These invoices cannot be posted this way"):
            invoice._post()
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.credit_hold_ids, "a refused path leaves no half-written hold")

    def test_writing_the_state_is_refused(self):
        small = self.create_invoice(self.customer, 100.0, post=False)
        small.action_post()
        self.assertEqual(small.state, "posted", "Odoo's own posting writes the state after the check")
        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        with self.assertRaisesText(UserError, "These invoices cannot be posted this way"):
            invoice.write({"state": "posted"})
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.credit_hold_ids)

    def test_salesperson_json_path_refused(self):
        """Posting through RPC as an invoicing user without the button: refused as a script would be."""
        accountant = new_test_user(
            self.env,
            login="ann_accountant",
            name="Ann Accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        invoice.with_user(accountant).action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.credit_hold_ids.requested_by_id, accountant)
        with self.assertRaisesText(UserError, "cannot be posted this way"):
            invoice.with_user(accountant)._post()

    def test_switch_off_or_other_company_not_checked(self):
        self.company.credit_check_invoice = False
        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_warning_shown_on_the_draft(self):
        small = self.create_invoice(self.customer, 100.0, post=False)
        self.assertFalse(small.credit_check_warning)
        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        self.assertEqual(
            invoice.credit_check_warning,
            "Exposure $\xa0100.00 plus this invoice $\xa01,500.00 exceeds the credit limit $\xa01,000.00 "
            "by $\xa0600.00.",
        )


@tagged("post_install", "-at_install", "credit_control")
class TestInvoiceCheckpointMultiCompany(CreditControlCommon):
    """Each company chooses its doors; figures and limits stay per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.credit_check_invoice = True
        cls.company_2 = cls.setup_other_company()["company"]
        cls.company_2.credit_hold_enabled = True
        cls.customer.with_company(cls.company_2).credit_limit = 5000.0

    def test_door_per_company(self):
        invoice_2 = self.create_invoice(self.customer, 1500.0, post=False, company=self.company_2)
        invoice_2.action_post()
        self.assertEqual(invoice_2.state, "posted", "company 2 checks orders only")

        invoice = self.create_invoice(self.customer, 1500.0, post=False)
        invoice.action_post()
        self.assertEqual(invoice.state, "draft", "company 1 checks invoices: 1,500 above its 1,000 limit")
        self.assertEqual(invoice.credit_hold_ids.company_id, self.company)

    def test_limit_of_the_invoice_company(self):
        self.company_2.credit_check_invoice = True
        invoice_2 = self.create_invoice(self.customer, 1500.0, post=False, company=self.company_2)
        invoice_2.with_company(self.company_2).action_post()
        self.assertEqual(invoice_2.state, "posted", "within company 2's 5,000 limit")
        invoice_3 = self.create_invoice(self.customer, 4000.0, post=False, company=self.company_2)
        invoice_3.with_company(self.company_2).action_post()
        self.assertEqual(invoice_3.state, "draft", "1,500 + 4,000 above 5,000")
        self.assertEqual(invoice_3.credit_hold_ids.reason_ids.params["limit"], 5000.0)
