from datetime import date, datetime

from odoo.tests import BaseCase, tagged

from ...lib.column_values import column_value
from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestColumnValuesLib(BaseCase):
    """Values read through a jsonb array get the types psycopg2 gives their columns."""

    def test_dates_times_and_numbers(self):
        self.assertEqual(column_value("date", "2026-12-03"), date(2026, 12, 3))
        self.assertEqual(column_value("datetime", "2026-12-03T07:05:09.25"), datetime(2026, 12, 3, 7, 5, 9, 250000))
        amount = column_value("float", 5000)
        self.assertEqual(amount, 5000.0)
        self.assertIsInstance(amount, float)
        self.assertIsInstance(column_value("monetary", 12), float)
        self.assertEqual(column_value("many2one", 42), 42)
        self.assertIs(column_value("boolean", True), True)
        self.assertEqual(column_value("selection", "valid"), "valid")

    def test_null_stays_null(self):
        for field_type in ("date", "datetime", "float", "many2one", "boolean", "char"):
            self.assertIsNone(column_value(field_type, None), field_type)


@tagged("post_install", "-at_install", "credit_control")
class TestCheckReadsCustomer(CreditControlCommon):
    """The check reads the customer's credit fields with its figures, in the order's company,
    and finds the customer through the order's stored credit customer."""

    def partner_queries(self, function):
        """Run ``function`` on an empty ORM cache; the SQL texts it sent that read res_partner."""
        self.env.flush_all()
        self.env.invalidate_all()
        texts = []
        execute = self.env.cr.execute

        def spy(query, params=None, log_exceptions=True):
            texts.append(str(getattr(query, "code", query)))
            return execute(query, params, log_exceptions)

        self.patch(self.env.cr, "execute", spy)
        function()
        self.env.cr.execute = execute
        return [text for text in texts if 'FROM "res_partner"' in text or "FROM res_partner" in text]

    def test_order_of_a_contact_uses_the_company_credit_read_with_the_figures(self):
        order = self.create_order(self.customer_contact, 800.0)
        self.assertEqual(order.credit_partner_id, self.customer)
        self.customer.credit_limit = 700.0
        results = {}

        def check():
            results.update(self.env["credit.rule"]._evaluate_orders(order))

        queries = self.partner_queries(check)
        self.assertEqual(results[order][0]["rule"], "credit_limit")
        self.assertIn("700.00", results[order][0]["message"])
        self.assertEqual(
            [query for query in queries if "credit_limit" in query and "credit_control_q_" not in query],
            [],
            "no query of its own for the customer's credit fields",
        )

        order.action_confirm()
        self.assertEqual(order.state, "draft", "held: 800 over a limit of 700")
        self.assertEqual(order.credit_hold_ids.partner_id, self.customer)

    def test_pending_change_of_the_limit_is_judged(self):
        order = self.create_order(self.customer, 800.0)
        self.env.flush_all()
        self.env.invalidate_all()
        self.customer.credit_limit = 900.0  # not flushed yet
        order.action_confirm()
        self.assertEqual(order.state, "sale", "800 within the new limit of 900")
        self.assertEqual(self.customer.credit_limit, 900.0)

    def test_default_limit_of_the_company_is_the_fallback(self):
        """A customer without a limit of its own in the company has Odoo's default credit limit
        (Settings > Invoicing), read by the same statement as the figures."""
        newcomer = self.env["res.partner"].create({"name": "Newcomer Ltd", "is_company": True})
        self.env["ir.default"].set("res.partner", "credit_limit", 500.0, company_id=self.company.id)
        self.env.flush_all()
        self.env.invalidate_all()
        held = self.create_order(newcomer, 600.0)
        held.action_confirm()
        self.assertEqual(held.state, "draft")
        self.assertEqual(held.credit_hold_ids.reason_ids.rule, "credit_limit")
        self.assertIn("500.00", held.credit_hold_ids.reason_ids.message)
        passed = self.create_order(newcomer, 400.0)
        passed.action_confirm()
        self.assertEqual(passed.state, "sale")
        # a new default applies at the next check (the statement's columns are cached per company)
        self.env["ir.default"].set("res.partner", "credit_limit", 1000.0, company_id=self.company.id)
        self.env.invalidate_all()
        larger = self.create_order(newcomer, 550.0)
        larger.action_confirm()
        self.assertEqual(larger.state, "sale", "400 confirmed + 550 within the new default of 1,000")

    def test_credit_customer_follows_the_invoice_address(self):
        other = self.env["res.partner"].create({"name": "Other Group", "is_company": True, "credit_limit": 50.0})
        order = self.create_order(self.customer_contact, 100.0)
        self.assertEqual(order.credit_partner_id, self.customer)
        self.customer_contact.parent_id = other
        self.assertEqual(order.credit_partner_id, other, "the contact moved to another company")
        order.action_confirm()
        self.assertEqual(order.state, "draft", "judged on the new company's limit of 50")
        self.assertEqual(order.credit_hold_ids.partner_id, other)
        order.partner_invoice_id = self.customer
        self.assertEqual(order.credit_partner_id, self.customer)

    def test_install_fills_the_credit_customer_in_sql(self):
        order_contact = self.create_order(self.customer_contact, 100.0)
        order_company = self.create_order(self.customer, 100.0)
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE sale_order DROP COLUMN credit_partner_id")
        self.env["sale.order"]._credit_init_partner_column()
        self.env.cr.execute(
            "SELECT id, credit_partner_id FROM sale_order WHERE id = ANY(%s)",
            [[order_contact.id, order_company.id]],
        )
        self.assertEqual(
            dict(self.env.cr.fetchall()),
            {order_contact.id: self.customer.id, order_company.id: self.customer.id},
        )

    def test_company_dependent_fields_read_as_the_orm_reads_them(self):
        """The statement's values of company-dependent fields are those of the order's company,
        with the company's default where the customer has none, as the ORM reads them."""
        term = self.env.ref("account.account_payment_term_30days")
        other_company = self.env["res.company"].create({"name": "Other Company"})
        newcomer = self.env["res.partner"].create({"name": "Newcomer Ltd", "is_company": True})
        self.customer.with_company(other_company).write({"credit_limit": 321.0, "property_payment_term_id": term.id})
        self.customer.with_company(self.company).property_payment_term_id = False
        self.env["ir.default"].set("res.partner", "credit_limit", 500.0, company_id=self.company.id)
        names = ["credit_limit", "property_payment_term_id"]
        seen = {}
        for company in (self.company, other_company):
            partners = (self.customer | newcomer).with_company(company)
            self.env.flush_all()
            self.env.invalidate_all()
            exposure = self.env["credit.exposure"].with_company(company)
            query, fetched = exposure._partner_fields_sql(partners, names)
            self.assertEqual([field.name for field in fetched], names)
            self.env.cr.execute(query)
            exposure._cache_partner_rows(partners, fetched, self.env.cr.fetchall())
            read = [(partner.credit_limit, partner.property_payment_term_id) for partner in partners]
            self.env.invalidate_all()
            expected = [(partner.credit_limit, partner.property_payment_term_id) for partner in partners]
            self.assertEqual(read, expected, company.name)
            seen[company] = read
        no_term = self.env["account.payment.term"]
        self.assertEqual(
            seen[self.company], [(self.customer.with_company(self.company).credit_limit, no_term), (500.0, no_term)]
        )
        self.assertEqual(seen[other_company], [(321.0, term), (0.0, no_term)])
