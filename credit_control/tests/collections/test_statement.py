from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CollectionsCommon


class StatementCommon(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.invoice_due(cls.customer, 1000.0, -40)
        cls.invoice.name = "INV/STMT/0001"
        cls.other = cls.new_customer("Rival Traders")
        cls.other_invoice = cls.invoice_due(cls.other, 777.0, -5)
        cls.other_invoice.name = "INV/RIVAL/0001"
        cls.statements = cls.env["credit.collection.statement"]

    @classmethod
    def enable_provider(cls):
        method = cls.env.ref("payment.payment_method_unknown")
        provider = cls.env["payment.provider"].create(
            {
                "name": "Test Provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": cls.company.id,
                "payment_method_ids": [Command.set(method.ids)],
                "available_currency_ids": [Command.set(cls.company.currency_id.ids)],
            }
        )
        method.active = True
        return provider


@tagged("post_install", "-at_install", "credit_control")
class TestStatementRun(StatementCommon):
    """Monthly statements: one per customer and month, opt-out respected, idempotent."""

    def test_monthly_run_is_idempotent(self):
        quiet = self.new_customer("Quiet Customer")
        self.invoice_due(quiet, 100.0, -5)
        quiet.credit_statement_opt_out = True
        paid_up = self.new_customer("Paid Up")
        self.pay(self.invoice_due(paid_up, 100.0, -5), 100.0)
        first_day = self.today.replace(day=1)
        created = self.statements._run_monthly(self.company, first_day)
        mine = created.filtered(
            lambda statement: statement.partner_id in (self.customer | self.other | quiet | paid_up)
        )
        self.assertEqual(mine.partner_id, self.customer | self.other, "opted out and paid up: none")
        self.assertEqual(set(mine.mapped("state")), {"sent"})
        mails = self.env["mail.mail"].search(
            [("model", "=", "credit.collection.statement"), ("res_id", "in", mine.ids)]
        )
        self.assertEqual(len(mails), 2)
        mail = mails.filtered(lambda mail: mail.res_id == mine.filtered(lambda s: s.partner_id == self.customer).id)
        self.assertIn("/my/credit/statement/", mail.body_html)
        self.assertIn("access_token=", mail.body_html)
        self.assertNotIn("Pay now", mail.body_html, "no payment provider")
        # again: nothing created, nothing sent twice
        self.assertFalse(self.statements._run_monthly(self.company, first_day))
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "credit.collection.statement"), ("res_id", "in", mine.ids)]
            ),
            2,
        )
        self.assertEqual(
            self.statements.search_count([("partner_id", "=", self.customer.id), ("kind", "=", "monthly")]), 1
        )
        # the cron does it for companies that send statements only
        self.company.credit_statement_monthly = False
        self.statements._cron_monthly()
        self.assertEqual(
            self.statements.search_count([("partner_id", "=", self.customer.id), ("kind", "=", "monthly")]), 1
        )

    def test_statement_on_demand_and_pay_now_in_reminders(self):
        action = self.customer.with_user(self.collector).action_credit_statement()
        statement = self.statements.search([("partner_id", "=", self.customer.id), ("kind", "=", "on_demand")])
        self.assertEqual(action["url"], statement.get_portal_url())
        self.assertEqual(statement.date, self.today)
        self.customer.with_user(self.collector).action_credit_send_statement()
        self.assertEqual(statement.state, "sent", "the same statement of today, sent")
        values = statement._statement_values()
        self.assertEqual(values["balance"], 1000.0)
        self.assertEqual([item["move"] for item in values["items"]], [self.invoice])
        self.assertEqual([bucket["amount"] for bucket in values["buckets"]], [0.0, 0.0, 1000.0, 0.0, 0.0])
        self.assertFalse(values["items"][0]["pay_url"], "no provider: no pay-now link")
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "credit_control.action_report_credit_collection_statement", statement.ids
        )
        html = html.decode()
        self.assertIn("Statement of account", html)
        self.assertIn(self.invoice.name, html)
        self.assertNotIn(self.other_invoice.name, html)
        self.assertNotIn("Pay online", html)
        # a reminder email without a provider carries no pay-now link
        self.run_dunning()
        mail = self.mails_of(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertNotIn("o_credit_pay_now", mail.body_html)
        self.enable_provider()
        values = statement._statement_values()
        self.assertIn("/my/invoices/%s?access_token=" % self.invoice.id, values["items"][0]["pay_url"])
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "credit_control.action_report_credit_collection_statement", statement.ids
        )
        self.assertIn("Pay online", html.decode())
        self.run_dunning(8)
        mail = self.mails_of(self.customer) - mail
        self.assertEqual(len(mail), 1)
        self.assertIn("o_credit_pay_now", mail.body_html)
        self.assertIn("/my/credit/statement/", mail.body_html)


@tagged("post_install", "-at_install", "credit_control")
class TestStatementPortal(StatementCommon, HttpCase):
    """The customer's portal page: its own items only; token links; another customer's refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="acme_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.own = cls.statements._get_or_create(cls.customer, cls.company, cls.today)
        cls.rival = cls.statements._get_or_create(cls.other, cls.company, cls.today)

    def get(self, url):
        response = self.url_open(url, allow_redirects=False)
        return response

    def test_portal_user_sees_only_its_items(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.get("/my/credit/statement")
        self.assertEqual(response.status_code, 200)
        self.assertIn("INV/STMT/0001", response.text)
        self.assertNotIn("INV/RIVAL/0001", response.text)
        self.assertIn("Statement of account", response.text)
        response = self.get("/my/credit/statement/%s" % self.own.id)
        self.assertEqual(response.status_code, 200)
        self.assertIn("INV/STMT/0001", response.text)
        response = self.get("/my/credit/statement/%s" % self.rival.id)
        self.assertEqual(response.status_code, 303, "another customer's statement: back to /my")
        self.assertNotIn("INV/RIVAL/0001", response.text)

    def test_token_links(self):
        response = self.get(self.own.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("INV/STMT/0001", response.text)
        self.assertNotIn("o_credit_pay_now", response.text, "no provider: no pay-now button")
        response = self.get("/my/credit/statement/%s?access_token=%s" % (self.rival.id, self.own.access_token))
        self.assertEqual(response.status_code, 303, "another customer's statement with this token: refused")
        response = self.get("/my/credit/statement/%s" % self.own.id)
        self.assertEqual(response.status_code, 303, "no token, not signed in: refused")
        self.enable_provider()
        response = self.get(self.own.get_portal_url())
        self.assertIn("o_credit_pay_now", response.text)
        self.assertIn("/my/invoices/%s?access_token=" % self.invoice.id, response.text)
