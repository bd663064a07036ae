from odoo import Command
from odoo.tests import tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestExposure(CreditControlCommon):
    """Exposure = open receivables + draft invoices net of refunds + confirmed orders not
    invoiced (tax included), per commercial partner, in company currency."""

    def test_receivables_partial_payment_and_contacts(self):
        invoice = self.create_invoice(self.customer, 600.0)
        self.create_invoice(self.customer_contact, 150.0)  # a contact's invoice counts on the company
        self.pay(invoice, 200.0)
        self.env.invalidate_all()
        self.assertEqual(self.customer.credit_receivable, 550.0)
        self.assertEqual(self.customer_contact.credit_receivable, 550.0)
        self.assertEqual(self.customer.credit_exposure, 550.0)
        self.assertEqual(self.customer.credit_available, 450.0)

    def test_fully_paid_invoice_leaves_exposure(self):
        invoice = self.create_invoice(self.customer, 300.0)
        self.pay(invoice, 300.0)
        self.env.invalidate_all()
        self.assertEqual(self.customer.credit_receivable, 0.0)

    def test_draft_invoices_net_of_refunds(self):
        self.create_invoice(self.customer, 400.0, post=False)
        self.create_invoice(self.customer, 100.0, post=False, move_type="out_refund")
        self.assertEqual(self.customer.credit_draft_invoices, 300.0)
        self.assertEqual(self.customer.credit_receivable, 0.0)
        self.assertEqual(self.customer.credit_exposure, 300.0)

    def test_posted_refund_reduces_receivable(self):
        self.create_invoice(self.customer, 500.0)
        self.create_invoice(self.customer, 120.0, move_type="out_refund")
        self.assertEqual(self.customer.credit_receivable, 380.0)

    def test_confirmed_orders_to_invoice_tax_included(self):
        tax = self.env["account.tax"].create({"name": "VAT 10", "amount": 10.0, "type_tax_use": "sale"})
        order = self.create_order(self.customer, 200.0, qty=2, taxes=tax)
        self.assertEqual(self.customer.credit_orders_to_invoice, 0.0, "quotations are no exposure")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.figures_of(self.customer).credit_orders_to_invoice, 440.0)
        # invoicing one of the two units moves half of it to draft invoices
        order.order_line.product_id.invoice_policy = "delivery"
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        self.env.invalidate_all()
        self.assertEqual(invoice.amount_total, 220.0)
        self.assertEqual(self.customer.credit_orders_to_invoice, 220.0)
        self.assertEqual(self.customer.credit_draft_invoices, 220.0)
        invoice.action_post()
        self.env.invalidate_all()
        self.assertEqual(self.customer.credit_receivable, 220.0)
        self.assertEqual(self.customer.credit_exposure, 440.0)

    def test_foreign_currency_order_and_invoice(self):
        eur = self.setup_other_currency("EUR")  # 2 EUR = 1 company currency today
        order = self.create_order(self.customer, 300.0, currency=eur)
        self.assertEqual(order.currency_id, eur)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertAlmostEqual(self.figures_of(self.customer).credit_orders_to_invoice, 150.0)
        self.create_invoice(self.customer, 100.0, currency=eur)
        self.env.invalidate_all()
        self.assertAlmostEqual(self.customer.credit_receivable, 50.0)
        self.assertAlmostEqual(self.customer.credit_exposure, 200.0)

    def test_overdue_amount_and_days(self):
        self.create_invoice(self.customer, 200.0, days_ago=50, due_in=30)  # 20 days late
        self.create_invoice(self.customer, 100.0, days_ago=45, due_in=30)  # 15 days late
        self.create_invoice(self.customer, 300.0, days_ago=1, due_in=30)  # not due
        self.assertEqual(self.customer.credit_overdue, 300.0)
        self.assertEqual(self.customer.credit_overdue_days, 20)
        self.assertEqual(self.customer.credit_receivable, 600.0)

    def test_unapplied_credit_note_lowers_overdue(self):
        self.create_invoice(self.customer, 500.0, days_ago=60, due_in=30)
        self.create_invoice(self.customer, 350.0, move_type="out_refund")  # not reconciled yet
        self.assertEqual(self.customer.credit_receivable, 150.0)
        self.assertEqual(self.customer.credit_overdue, 150.0)
        self.assertEqual(self.customer.credit_overdue_days, 30)
        self.create_invoice(self.customer, 150.0, move_type="out_refund")
        self.env.invalidate_all()
        self.assertEqual(self.customer.credit_overdue, 0.0)
        self.assertEqual(self.customer.credit_overdue_days, 0)
        order = self.create_order(self.customer, 10.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale", "a customer whose credits cover the overdue is not held")

    def test_drill_down_shows_the_lines_behind_each_figure(self):
        self.company.credit_overdue_check = False
        self.create_invoice(self.customer, 200.0, days_ago=50, due_in=30)
        self.create_invoice(self.customer, 300.0)
        self.create_invoice(self.customer, 70.0, post=False)
        order = self.create_order(self.customer, 90.0)
        order.action_confirm()
        self.create_order(self.customer, 40.0)  # a quotation: not behind any figure

        action = self.customer.action_view_credit_receivables()
        lines = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(sum(lines.mapped("amount_residual")), self.customer.credit_receivable)
        self.assertEqual(len(lines), 2)
        action = self.customer.action_view_credit_overdue()
        lines = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(sum(lines.mapped("amount_residual")), 200.0)
        action = self.customer.action_view_credit_draft_invoices()
        moves = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(moves.mapped("amount_total"), [70.0])
        action = self.customer.action_view_credit_orders()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), order)

    def test_figures_for_many_partners_in_a_fixed_number_of_queries(self):
        partners = self.env["res.partner"].create(
            [{"name": "Customer %s" % index, "is_company": True} for index in range(40)]
        )
        for partner in partners[:10]:
            self.create_invoice(partner, 10.0)
        self.create_order(partners[10], 25.0).action_confirm()

        def queries_to_read(records):
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            exposures = records.mapped("credit_exposure")
            return self.cr.sql_log_count - before, exposures

        queries_to_read(partners)  # warm the access-rule caches
        few_queries, _exposures = queries_to_read(partners[:20])
        many_queries, exposures = queries_to_read(partners)
        self.assertEqual(many_queries, few_queries, "the query count does not grow with the partners")
        self.assertLessEqual(many_queries, 15)
        self.assertEqual(sum(exposures), 125.0)

    def test_figures_of_every_customer_match_figures_by_ids(self):
        other = self.env["res.partner"].create({"name": "Other Ltd", "is_company": True})
        self.create_invoice(self.customer_contact, 300.0, days_ago=60)
        self.create_invoice(self.customer, 80.0, post=False)
        self.create_order(other, 50.0).action_confirm()
        exposure = self.env["credit.exposure"]
        every = exposure._get_figures(None, self.company)
        by_ids = exposure._get_figures(self.customer | other, self.company)
        for partner in (self.customer, other):
            self.assertEqual(every[partner.id], by_ids[partner.id])
        self.assertEqual(
            (
                every[self.customer.id].receivable,
                every[self.customer.id].overdue,
                every[self.customer.id].draft_invoices,
            ),
            (300.0, 300.0, 80.0),
        )
        self.assertEqual(every[other.id].orders_to_invoice, 50.0)
        self.assertNotIn(self.customer_contact.id, every, "contacts are folded into their company")

    def test_order_shows_available_credit_before_confirmation(self):
        self.create_invoice(self.customer, 700.0)
        order = self.create_order(self.customer, 200.0)
        self.assertEqual(order.credit_limit, 1000.0)
        self.assertEqual(order.credit_exposure, 700.0)
        self.assertEqual(order.credit_available, 300.0)
        self.assertFalse(order.credit_check_warning)
        order.order_line.product_uom_qty = 2
        self.assertEqual(order.amount_total, 400.0)
        self.assertIn("exceeds the credit limit", order.credit_check_warning)
        # the salesperson sees it without any accounting right
        order_as_salesman = order.with_user(self.salesman)
        order_as_salesman.invalidate_recordset()
        self.assertEqual(order_as_salesman.credit_available, 300.0)
        self.assertIn("exceeds the credit limit", order_as_salesman.credit_check_warning)

    def test_confirmed_order_shows_figures_without_itself(self):
        order = self.create_order(self.customer, 200.0)
        order.action_confirm()
        order.invalidate_recordset()
        self.assertEqual(order.credit_exposure, 0.0)
        self.assertEqual(self.figures_of(self.customer).credit_exposure, 200.0)

    def test_other_company_items_are_not_counted(self):
        other = self.setup_other_company()["company"]
        other.credit_hold_enabled = True
        self.env.user.company_ids = [Command.link(other.id)]
        self.create_invoice(self.customer, 100.0)
        self.create_invoice(self.customer, 900.0, company=other)
        self.assertEqual(self.customer.credit_receivable, 100.0)
        self.assertEqual(self.customer.with_company(other).credit_receivable, 900.0)
        self.customer.with_company(other).credit_limit = 5000.0
        self.assertEqual(self.customer.credit_limit_effective, 1000.0)
        self.assertEqual(self.customer.with_company(other).credit_limit_effective, 5000.0)

    def test_available_credit_is_zero_when_no_credit_is_allowed(self):
        self.customer.credit_limit = 50000.0
        self.create_invoice(self.customer, 3200.0)
        partner = self.figures_of(self.customer)
        self.assertEqual((partner.credit_available, partner.credit_blocked), (46800.0, False))
        self.customer.write({"credit_blacklisted": True, "credit_blacklist_reason": "Fraud"})
        partner = self.figures_of(self.customer)
        self.assertEqual((partner.credit_available, partner.credit_blocked), (0.0, True))
        order = self.create_order(self.customer, 100.0)
        self.assertEqual(order.credit_available, 0.0, "the salesperson sees no credit left either")

    def test_unlimited_customer_is_shown_as_unlimited(self):
        unlimited = self.env["res.partner"].create({"name": "No Limit Ltd", "is_company": True})
        self.create_invoice(unlimited, 700.0)
        partner = self.figures_of(unlimited)
        self.assertTrue(partner.credit_unlimited)
        self.assertEqual(partner.credit_exposure, 700.0)
        self.company.credit_no_limit_policy = "no_credit"
        partner = self.figures_of(unlimited)
        self.assertFalse(partner.credit_unlimited)
        self.assertEqual((partner.credit_limit_effective, partner.credit_available), (0.0, -700.0))
