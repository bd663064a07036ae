import io
from datetime import timedelta

import openpyxl

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ...lib.aging import AgingBoundaryError, bucket_index, bucket_labels, parse_boundaries
from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestAging(CreditControlCommon):
    """Aging of open receivables as of any date, per customer and bucket."""

    def compute(self, days_ago=0, **values):
        report = self.env["credit.aging.report"].create(
            {
                "as_of_date": self.today - timedelta(days=days_ago),
                "company_ids": [Command.set(values.pop("companies", self.company).ids)],
                **values,
            }
        )
        report.action_compute()
        return report

    def by_bucket(self, report, partner=None):
        """{bucket name: amount} as the pivot shows it."""
        domain = [("report_id", "=", report.id)] + ([("partner_id", "=", partner.id)] if partner else [])
        return {
            bucket.name: amount
            for bucket, amount in self.env["credit.aging.line"]._read_group(domain, ["bucket_id"], ["amount:sum"])
        }

    def test_bucket_maths(self):
        self.assertEqual(parse_boundaries(" 30, 60 ,90,120"), (30, 60, 90, 120))
        self.assertEqual(bucket_labels((30, 60)), ["Not due", "1-30", "31-60", "Over 60"])
        self.assertEqual([bucket_index(d, (30, 60)) for d in (-5, 0, 1, 30, 31, 60, 61)], [0, 0, 1, 1, 2, 2, 3])
        bad = (("", "empty"), ("30,x", "not_integer"), ("0,30", "not_positive"), ("60,30", "not_increasing"))
        for text, reason in bad:
            with self.assertRaises(AgingBoundaryError) as catcher:
                parse_boundaries(text)
            self.assertEqual(catcher.exception.reason, reason)

    def test_buckets_by_due_date_and_invoice_date(self):
        self.create_invoice(self.customer, 100.0, days_ago=10, due_in=30)  # not due
        self.create_invoice(self.customer, 200.0, days_ago=50, due_in=30)  # 20 days late
        self.create_invoice(self.customer, 300.0, days_ago=100, due_in=30)  # 70 days late
        self.create_invoice(self.customer, 400.0, days_ago=200, due_in=30)  # 170 days late
        report = self.compute()
        self.assertEqual(
            self.by_bucket(report),
            {"Not due": 100.0, "1-30": 200.0, "61-90": 300.0, "Over 120": 400.0},
        )
        self.assertEqual(report.amount_total, 1000.0)
        report = self.compute(basis="invoice_date")
        self.assertEqual(
            self.by_bucket(report),
            {"1-30": 100.0, "31-60": 200.0, "91-120": 300.0, "Over 120": 400.0},
        )

    def test_filter_by_grade_as_of_date(self):
        other = self.env["res.partner"].create({"name": "Other Ltd", "is_company": True})
        self.create_invoice(self.customer, 100.0, days_ago=50)
        self.create_invoice(other, 200.0, days_ago=50)
        scores = self.env["credit.score"]
        scores._run_scoring(self.company, partners=self.customer, today=self.today - timedelta(days=30))
        self.assertTrue(self.customer.credit_grade)
        score = scores.search([("partner_id", "=", self.customer.id)])
        score.sudo().write({"grade": "D", "date": self.today - timedelta(days=5)})  # regraded 5 days ago
        report = self.compute()
        lines = self.env["credit.aging.line"].search([("report_id", "=", report.id), ("grade", "=", "D")])
        self.assertEqual((lines.partner_id, sum(lines.mapped("amount"))), (self.customer, 100.0))
        not_scored = self.env["credit.aging.line"].search([("report_id", "=", report.id), ("grade", "=", False)])
        self.assertEqual(not_scored.partner_id, other)
        self.assertFalse(self.compute(days_ago=10).line_ids.filtered("grade"), "not graded yet 10 days ago")

    def test_past_date_counts_later_payments_as_unpaid(self):
        invoice = self.create_invoice(self.customer, 1000.0, days_ago=75, due_in=30)  # 45 days late
        self.pay(invoice, 400.0)  # paid today
        today = self.compute()
        self.assertEqual(self.by_bucket(today), {"31-60": 600.0})
        ten_days_ago = self.compute(days_ago=10)
        self.assertEqual(self.by_bucket(ten_days_ago), {"31-60": 1000.0})
        line = ten_days_ago.line_ids
        self.assertEqual(line.move_id, invoice)
        self.assertEqual(line.days_overdue, 35)
        before_invoice = self.compute(days_ago=80)
        self.assertFalse(before_invoice.line_ids, "items posted after the date are not aged")

    def test_refunds_and_foreign_currency(self):
        eur = self.setup_other_currency("EUR")  # 2 EUR = 1 company currency
        self.create_invoice(self.customer, 500.0, days_ago=40, due_in=30)
        self.create_invoice(self.customer, 120.0, move_type="out_refund")
        self.create_invoice(self.customer, 300.0, days_ago=5, due_in=30, currency=eur)
        report = self.compute()
        self.assertEqual(self.by_bucket(report), {"1-30": 500.0, "Not due": 30.0})
        eur_line = report.line_ids.filtered(lambda line: line.item_currency_id == eur)
        self.assertEqual(eur_line.amount, 150.0)

    def test_only_selected_companies(self):
        other = self.setup_other_company()["company"]
        self.env.user.company_ids = [Command.link(other.id)]
        self.create_invoice(self.customer, 100.0)
        self.create_invoice(self.customer, 900.0, company=other)
        self.assertEqual(self.compute().amount_total, 100.0)
        both = self.compute(companies=self.company | other)
        self.assertEqual(sorted(both.line_ids.mapped("amount")), [100.0, 900.0])
        sheets = both._xlsx_sheets()
        self.assertEqual(len(sheets), 2)

    def test_contacts_are_folded_into_their_company(self):
        self.create_invoice(self.customer_contact, 80.0)
        report = self.compute()
        self.assertEqual(report.line_ids.partner_id, self.customer)

    def test_bad_boundaries_are_refused(self):
        with self.assertRaisesText(ValidationError, "must be greater than the one before"):
            self.company.credit_aging_boundaries = "30,20"
        self.company.invalidate_recordset()
        self.assertEqual(self.company.credit_aging_boundaries, "30,60,90,120")
        with self.assertRaisesText(ValidationError, "must be positive"):
            self.env["credit.aging.report"].create({"boundaries": "-30,60", "company_ids": self.company.ids})
        self.assertFalse(self.env["credit.aging.report"].search([("boundaries", "=", "-30,60")]))

    def test_custom_buckets(self):
        self.company.credit_aging_boundaries = "15,45"
        self.create_invoice(self.customer, 10.0, days_ago=50, due_in=30)
        self.create_invoice(self.customer, 20.0, days_ago=100, due_in=30)
        report = self.compute()
        self.assertEqual(report.bucket_ids.mapped("name"), ["Not due", "1-15", "16-45", "Over 45"])
        self.assertEqual(self.by_bucket(report), {"16-45": 10.0, "Over 45": 20.0})

    def test_xlsx_has_the_screen_figures(self):
        other_customer = self.env["res.partner"].create({"name": "Zenith Stores", "is_company": True})
        self.create_invoice(self.customer, 200.0, days_ago=50, due_in=30)
        self.create_invoice(self.customer, 50.0)
        self.create_invoice(other_customer, 700.0, days_ago=160, due_in=30)  # 130 days late
        report = self.compute()
        action = report.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        workbook = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        sheet = workbook[self.company.name]
        self.assertIn(str(report.as_of_date), sheet["A1"].value)
        rows = list(sheet.iter_rows(values_only=True))
        header_index = next(i for i, row in enumerate(rows) if row[0] == "Customer")
        header = rows[header_index]
        self.assertEqual(list(header[1:]), [*report.bucket_ids.sorted("sequence").mapped("name"), "Total"])
        self.assertEqual(sheet.freeze_panes, "B%s" % (header_index + 2))
        table = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows[header_index + 1 :]}
        for partner in (self.customer, other_customer):
            screen = self.by_bucket(report, partner)
            cells = {name: value for name, value in table[partner.display_name].items() if value and name != "Total"}
            self.assertEqual(cells, screen)
            self.assertEqual(table[partner.display_name]["Total"], sum(screen.values()))
        self.assertEqual(table["Total"]["Total"], 950.0)
        self.assertEqual(table["Total"]["Over 120"], 700.0)

    def test_filters_apply_to_screen_and_xlsx(self):
        belgium = self.env.ref("base.be")
        other_customer = self.env["res.partner"].create(
            {"name": "Zenith Stores", "is_company": True, "country_id": belgium.id, "user_id": self.salesman.id}
        )
        self.create_invoice(self.customer, 200.0, days_ago=50, due_in=30)
        self.create_invoice(other_customer, 700.0, days_ago=160, due_in=30)
        report = self.compute(country_ids=[Command.set(belgium.ids)], user_ids=[Command.set(self.salesman.ids)])
        self.assertEqual((report.line_count, report.amount_total), (1, 700.0))
        self.assertEqual(
            self.env["credit.aging.line"].search(report.action_view_lines()["domain"]).partner_id, other_customer
        )
        action = report.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw))[self.company.name]
        rows = list(sheet.iter_rows(values_only=True))
        header_text = " ".join(str(row[0]) for row in rows[:6])
        self.assertIn("Salespeople: Sam Sales", header_text)
        self.assertIn("Countries: Belgium", header_text)
        customers = [row[0] for row in rows if row[0] not in (None, "Customer", "Total")]
        self.assertNotIn(self.customer.display_name, customers)
        self.assertIn("Zenith Stores", customers)
        report.write({"country_ids": [Command.clear()], "user_ids": [Command.clear()], "grades": "A, B"})
        self.assertEqual(report.line_count, 0, "nobody is graded yet")

    def test_month_end_snapshot_with_dso_and_overdue_ratio(self):
        self.create_invoice(self.customer, 300.0, days_ago=50, due_in=30)  # overdue 20 days
        self.create_invoice(self.customer, 600.0, days_ago=10, due_in=30)  # not due
        snapshots = self.env["credit.aging.snapshot"]
        snapshots._take_snapshots(self.company, self.today)
        snapshot = snapshots.search([("partner_id", "=", self.customer.id), ("snapshot_date", "=", self.today)])
        self.assertEqual(len(snapshot), 1)
        self.assertEqual(snapshot.amount_total, 900.0)
        self.assertEqual(snapshot.amount_overdue, 300.0)
        self.assertAlmostEqual(snapshot.overdue_ratio, 0.3333)
        self.assertEqual(snapshot.credit_sales, 900.0)
        # countback: the 600 of the last 30 days are used up, then all of the 300 of the 30 before
        self.assertEqual(snapshot.dso, 60.0)
        self.assertEqual(
            {bucket.name: bucket.amount for bucket in snapshot.bucket_ids}, {"Not due": 600.0, "1-30": 300.0}
        )
        # taken again the same day: replaced, not duplicated
        snapshots._take_snapshots(self.company, self.today)
        self.assertEqual(snapshots.search_count([("partner_id", "=", self.customer.id)]), 1)
        self.assertEqual(snapshots._company_dso(self.company, self.today), 60.0)
        self.assertEqual(self.compute().company_dso, 60.0)

    def test_cron_snapshots_last_month_end(self):
        self.create_invoice(self.customer, 100.0, days_ago=60, due_in=0)
        self.env.ref("credit_control.ir_cron_aging_month_end_snapshot").method_direct_trigger()
        month_end = self.today.replace(day=1) - timedelta(days=1)
        snapshot = self.env["credit.aging.snapshot"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(snapshot.snapshot_date, month_end)

    def test_partner_credit_tab_shows_aging_and_dso(self):
        self.create_invoice(self.customer, 250.0, days_ago=40, due_in=30)
        partner = self.figures_of(self.customer)
        self.assertIn("1-30", partner.credit_aging_html)
        self.assertIn("250.00", partner.credit_aging_html)
        self.assertEqual((partner.credit_dso, partner.credit_dso_known), (60.0, True))
        self.assertIn("Over 120", self.figures_of(self.customer_contact).credit_aging_html)

    def test_dso_of_old_and_fresh_receivables(self):
        """Receivables from old sales give a high DSO, fresh ones a low one; undefined is empty."""
        old = self.env["res.partner"].create({"name": "Harbor Ltd", "is_company": True})
        self.create_invoice(old, 5000.0, days_ago=95, due_in=30)  # everything overdue, nothing sold since
        fresh = self.env["res.partner"].create({"name": "Fresh Ltd", "is_company": True})
        self.create_invoice(fresh, 1000.0, days_ago=5, due_in=30)
        self.create_invoice(fresh, 2000.0, days_ago=40, due_in=30)
        self.pay(fresh.invoice_ids.filtered(lambda move: move.amount_total == 2000.0), 2000.0)
        self.assertEqual(self.figures_of(old).credit_dso, 120.0, "sold 95 days ago: the 4th period")
        fresh_partner = self.figures_of(fresh)
        self.assertEqual(fresh_partner.credit_dso, 30.0, "the last period's sales cover what is open")
        # nothing invoiced for more than a year: undefined, shown empty
        ancient = self.env["res.partner"].create({"name": "Ancient Ltd", "is_company": True})
        self.create_invoice(ancient, 700.0, days_ago=400, due_in=30)
        self.assertFalse(self.figures_of(ancient).credit_dso_known)
