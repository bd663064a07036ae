import io
from datetime import timedelta

import openpyxl

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date

from ...report.aging.aging_xlsx import currency_num_format
from ..common import CreditControlCommon


class AgingLiveCommon(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.user_id = cls.salesman
        cls.other_customer = cls.env["res.partner"].create({"name": "Zenith Stores", "is_company": True})

    def live(self, days_ago=None, user=None, companies=None):
        """The live aging as the screen reads it, as of ``days_ago`` days before today (today without)."""
        live = self.env["credit.aging.live"]
        if user:
            live = live.with_user(user)
        if companies:
            live = live.with_context(allowed_company_ids=companies.ids)
        if days_ago is not None:
            live = live.with_context(aging_as_of=str(self.today - timedelta(days=days_ago)))
        return live

    def by_bucket(self, live, domain=()):
        """{bucket label: amount} as the pivot's column totals show them."""
        labels = dict(live._fields["bucket"]._description_selection(live.env))
        return {labels[bucket]: amount for bucket, amount in live._read_group(list(domain), ["bucket"], ["amount:sum"])}


@tagged("post_install", "-at_install", "credit_control")
class TestAgingLive(AgingLiveCommon):
    """Receivable Aging shows today's aging at once, from the open items, as of any date."""

    def test_today_figures_per_bucket_and_days_overdue(self):
        self.create_invoice(self.customer, 100.0, days_ago=10, due_in=30)  # not due
        late = self.create_invoice(self.customer, 200.0, days_ago=50, due_in=30)  # 20 days late
        self.create_invoice(self.customer, 300.0, days_ago=100, due_in=30)  # 70 days late
        self.create_invoice(self.other_customer, 400.0, days_ago=200, due_in=30)  # 170 days late
        live = self.live()
        self.assertEqual(self.by_bucket(live), {"Not due": 100.0, "1-30": 200.0, "61-90": 300.0, "Over 120": 400.0})
        self.assertEqual(
            dict(live._read_group([], ["partner_id"], ["amount:sum"])),
            {self.customer: 600.0, self.other_customer: 400.0},
        )
        items = live.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(items), 3)
        not_due = items.filtered(lambda item: item.bucket == "00")
        self.assertEqual((not_due.amount, not_due.days_overdue), (100.0, 0))
        self.assertFalse(live.search([("bucket", "=", "00"), ("days_overdue", "!=", False)]), "no days when not due")
        late_item = items.filtered(lambda item: item.move_id == late)
        self.assertEqual((late_item.days_overdue, late_item.bucket, late_item.as_of_date), (20, "01", self.today))
        self.assertEqual((late_item.user_id, late_item.currency_id), (self.salesman, self.company.currency_id))
        self.assertEqual(
            dict(live._read_group([], ["user_id"], ["amount:sum"])),
            {self.salesman: 600.0, self.env["res.users"]: 400.0},
        )

    def test_past_date_counts_later_payments_as_open(self):
        invoice = self.create_invoice(self.customer, 1000.0, days_ago=75, due_in=30)  # 45 days late
        self.pay(invoice, 400.0)  # paid today
        settled = self.create_invoice(self.other_customer, 250.0, days_ago=20, due_in=30)
        self.pay(settled, 250.0, payment_date=self.today - timedelta(days=5))
        self.assertEqual(self.by_bucket(self.live()), {"31-60": 600.0})
        self.assertFalse(self.live().search([("partner_id", "=", self.other_customer.id)]), "paid: not open")
        ten_days_ago = self.live(days_ago=10)
        self.assertEqual(self.by_bucket(ten_days_ago), {"31-60": 1000.0, "Not due": 250.0})
        item = ten_days_ago.search([("partner_id", "=", self.customer.id)])
        self.assertEqual((item.move_id, item.days_overdue, item.amount), (invoice, 35, 1000.0))
        self.assertEqual(item.as_of_date, self.today - timedelta(days=10))
        self.assertFalse(self.live(days_ago=80).search([]), "items posted after the date are not aged")

    def test_customers_netting_to_zero_are_absent(self):
        self.create_invoice(self.other_customer, 150.0, days_ago=40, due_in=30)
        self.create_invoice(self.other_customer, 150.0, move_type="out_refund")
        self.create_invoice(self.customer, 90.0)
        live = self.live()
        self.assertEqual(live.search([]).partner_id, self.customer)
        self.assertEqual(dict(live._read_group([], ["partner_id"], ["amount:sum"])), {self.customer: 90.0})

    def test_same_figures_as_a_saved_aging(self):
        """The saved aging and the live one read the same SQL: same items, same buckets."""
        self.create_invoice(self.customer, 500.0, days_ago=40, due_in=30)
        self.create_invoice(self.customer, 120.0, days_ago=5, move_type="out_refund")
        self.create_invoice(self.other_customer, 700.0, days_ago=160, due_in=30)
        self.create_invoice(self.other_customer, 60.0, move_type="out_refund")  # after the date: not aged
        report = self.env["credit.aging.report"].create(
            {"as_of_date": self.today - timedelta(days=3), "company_ids": [Command.set(self.company.ids)]}
        )
        report.action_compute()
        saved = {
            (line.move_line_id.id, line.bucket_id.name, line.amount, max(line.days_overdue, 0))
            for line in report.line_ids
        }
        live = self.live(days_ago=3)
        labels = dict(live._fields["bucket"]._description_selection(live.env))
        shown = {(item.id, labels[item.bucket], item.amount, item.days_overdue) for item in live.search([])}
        self.assertEqual(shown, saved)
        self.assertEqual(len(shown), 3)

    def test_custom_buckets_and_bad_date(self):
        self.company.credit_aging_boundaries = "15,45"
        self.create_invoice(self.customer, 10.0, days_ago=50, due_in=30)
        self.create_invoice(self.customer, 20.0, days_ago=100, due_in=30)
        live = self.live()
        self.assertEqual(
            [label for _key, label in live._fields["bucket"]._description_selection(live.env)],
            ["Not due", "1-15", "16-45", "Over 45"],
        )
        self.assertEqual(self.by_bucket(live), {"16-45": 10.0, "Over 45": 20.0})
        with self.assertRaisesText(UserError, "The aging date “yesterday” is not a date."):
            self.env["credit.aging.live"].with_context(aging_as_of="yesterday").search([])

    def test_salesperson_sees_only_his_customers(self):
        self.create_invoice(self.customer, 300.0, days_ago=40, due_in=30)
        self.create_invoice(self.other_customer, 700.0, days_ago=40, due_in=30)
        salesman_view = self.live(user=self.salesman)
        self.assertEqual(salesman_view.search([]).partner_id, self.customer)
        self.assertEqual(self.by_bucket(salesman_view), {"1-30": 300.0})
        self.assertEqual(self.by_bucket(self.live(user=self.credit_manager)), {"1-30": 1000.0})

    def test_multi_company_each_with_its_buckets(self):
        other = self.setup_other_company()["company"]
        other.credit_aging_boundaries = "10"
        self.env.user.company_ids = [Command.link(other.id)]
        self.create_invoice(self.customer, 100.0, days_ago=50, due_in=30)  # 20 days late
        self.create_invoice(self.customer, 900.0, days_ago=50, due_in=30, company=other)
        self.assertEqual(self.by_bucket(self.live(companies=self.company)), {"1-30": 100.0})
        both = self.live(companies=self.company | other)
        groups = both._read_group([], ["company_id", "bucket"], ["amount:sum"])
        self.assertEqual(
            {(company, bucket): amount for company, bucket, amount in groups},
            {(self.company, "01"): 100.0, (other, "02"): 900.0},
        )
        self.assertEqual(self.by_bucket(self.live(companies=other)), {"Over 10": 900.0})


@tagged("post_install", "-at_install", "credit_control")
class TestAgingLiveExports(AgingLiveCommon):
    """The XLSX and the PDF of the screen: its as-of date, its filters, its figures."""

    def load(self, content):
        return openpyxl.load_workbook(io.BytesIO(content))

    def rows(self, sheet):
        rows = list(sheet.iter_rows(values_only=True))
        header = next(index for index, row in enumerate(rows) if row[0] == "Customer")
        return rows[header], rows[header + 1 :], header

    def test_xlsx_customer_and_item_sheets(self):
        self.create_invoice(self.customer, 200.0, days_ago=50, due_in=30)  # 20 days late
        self.create_invoice(self.customer, 50.0)  # not due
        self.create_invoice(self.other_customer, 700.0, days_ago=160, due_in=30)  # 130 days late
        live = self.live(days_ago=0)
        workbook = self.load(live._export_xlsx([], ["Overdue"]))
        self.assertEqual(workbook.sheetnames, ["Customers", "Items"])
        sheet = workbook["Customers"]
        self.assertEqual(sheet["A1"].value, "Receivable aging as of %s" % format_date(self.env, self.today))
        texts = [row[0] for row in sheet.iter_rows(max_row=4, values_only=True)]
        self.assertIn("Filters: Overdue", texts)
        header, body, header_index = self.rows(sheet)
        self.assertEqual(list(header), ["Customer", "Not due", "1-30", "31-60", "61-90", "91-120", "Over 120", "Total"])
        table = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in body}
        self.assertEqual(
            table["Acme Retail"], {**dict.fromkeys(header[1:], 0), "Not due": 50, "1-30": 200, "Total": 250}
        )
        self.assertEqual(table["Zenith Stores"]["Over 120"], 700)
        self.assertEqual(table["Total"]["Total"], 950)
        self.assertEqual(list(table), ["Acme Retail", "Zenith Stores", "Total"])
        currency = self.company.currency_id
        expected_format = currency_num_format(currency.symbol, currency.position, currency.decimal_places)
        self.assertEqual(sheet.cell(header_index + 2, 2).number_format, expected_format)
        self.assertEqual(sheet.freeze_panes, "B%s" % (header_index + 2))

        items = workbook["Items"]
        header, body, _index = self.rows(items)
        self.assertEqual(
            list(header), ["Customer", "Entry", "Date", "Due Date", "Days Overdue", "Bucket", "Currency", "Open Amount"]
        )
        by_amount = {row[7]: row for row in body if row[0] != "Total"}
        self.assertEqual(set(by_amount), {200, 50, 700})
        self.assertEqual((by_amount[200][4], by_amount[200][5]), (20, "1-30"))
        self.assertEqual((by_amount[50][4], by_amount[50][5]), (None, "Not due"), "not due: no days overdue")
        self.assertEqual(by_amount[700][3].date(), self.today - timedelta(days=130))
        self.assertEqual(items.cell(_index + 2, 8).number_format, expected_format)

        overdue_only = self.load(live._export_xlsx([("bucket", "!=", "00")]))
        _header, body, _index = self.rows(overdue_only["Customers"])
        self.assertEqual({row[0]: row[-1] for row in body}, {"Acme Retail": 200, "Zenith Stores": 700, "Total": 900})

    def test_number_formats_follow_the_currency(self):
        self.assertEqual(currency_num_format("$", "before", 2), '"$ "#,##0.00')
        self.assertEqual(currency_num_format("€", "after", 2), '#,##0.00" €"')
        self.assertEqual(currency_num_format("¥", "after", 0), '#,##0" ¥"')

    def test_xlsx_one_sheet_pair_per_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        other = self.setup_other_company(currency_id=eur.id)["company"]
        self.env.user.company_ids = [Command.link(other.id)]
        self.create_invoice(self.customer, 100.0, days_ago=50, due_in=30)
        self.create_invoice(self.customer, 900.0, days_ago=5, due_in=30, company=other)
        live = self.live(companies=self.company | other)
        workbook = self.load(live._export_xlsx([]))
        names = sorted(["EUR", self.company.currency_id.name])
        self.assertEqual(workbook.sheetnames, [f"{kind} {name}" for name in names for kind in ("Customers", "Items")])
        _header, body, index = self.rows(workbook["Customers EUR"])
        self.assertEqual({row[0]: row[-1] for row in body}, {"Acme Retail": 900, "Total": 900})
        self.assertEqual(
            workbook["Customers EUR"].cell(index + 2, 2).number_format,
            currency_num_format(eur.symbol, eur.position, eur.decimal_places),
        )
        self.assertEqual(eur.position, "after")
        usd_name = self.company.currency_id.name
        _header, body, _index = self.rows(workbook[f"Customers {usd_name}"])
        self.assertEqual({row[0]: row[2] for row in body}, {"Acme Retail": 100, "Total": 100})

    def test_pdf_has_the_screen_figures(self):
        invoice = self.create_invoice(self.customer, 1000.0, days_ago=75, due_in=30)
        self.pay(invoice, 400.0)
        self.create_invoice(self.other_customer, 80.0)
        as_of = self.today - timedelta(days=10)
        data = {"as_of": str(as_of), "domain": [("bucket", "!=", "00")], "filters": ["Overdue"]}
        report = self.env["ir.actions.report"]
        html = report._render_qweb_html("credit_control.report_credit_aging_live", [], data=data)[0].decode()
        self.assertIn("Receivable aging as of %s" % format_date(self.env, as_of), html)
        self.assertIn("Filters: Overdue", html)
        self.assertIn("Acme Retail", html)
        self.assertIn("1,000.00", html, "paid after the date: still open then")
        self.assertNotIn("Zenith Stores", html, "not due: filtered out")
        content = report._render_qweb_pdf("credit_control.report_credit_aging_live", [], data=data)[0]
        self.assertIn(b"Acme Retail", content)


@tagged("post_install", "-at_install", "credit_control")
class TestAgingLiveTour(AgingLiveCommon, HttpCase):
    """In the browser: the aging is there at once, the date changes it, the XLSX downloads."""

    def test_open_aging_change_date_and_export(self):
        self.credit_manager.groups_id = [Command.link(self.env.ref("account.group_account_invoice").id)]
        invoice = self.create_invoice(self.customer, 1000.0, days_ago=75, due_in=30)
        self.pay(invoice, 400.0)
        menu = self.env.ref("credit_control.menu_credit_control_aging")
        self.assertEqual(menu.action, self.env.ref("credit_control.action_credit_aging_live"))
        self.assertEqual(self.env.ref("credit_control.menu_account_receivable_aging").action, menu.action)
        self.start_tour("/odoo/receivable-aging", "credit_control_aging_tour", login=self.credit_manager.login)

        self.authenticate(self.credit_manager.login, self.credit_manager.login)
        response = self.url_open(
            "/credit_control/aging/xlsx?as_of=%s&domain=[]&filters=[]" % (self.today - timedelta(days=10))
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Customers"]
        totals = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Acme Retail"]
        self.assertEqual(totals[0][-1], 1000)
        response = self.url_open("/credit_control/aging/xlsx?as_of=2026-13-45")
        self.assertNotEqual(response.status_code, 200, "a bad date is refused")
