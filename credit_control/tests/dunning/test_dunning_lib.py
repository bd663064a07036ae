from datetime import date

import lxml.html

from odoo.tests import BaseCase, tagged

from ...lib.dunning import (
    PROMISE_ACTIVE,
    PROMISE_BROKEN,
    PROMISE_KEPT,
    communication_rank,
    days_overdue,
    interest_days,
    interest_rate,
    late_interest,
    next_level_rank,
    promise_state,
    reached_rank,
    render_text,
    salutation_name,
    sms_segments,
)
from ...lib.pdf_batch import join_report_bodies, split_page_ranges, text_objects

STANDARD = [-3, 0, 7, 15, 30]


@tagged("post_install", "-at_install", "credit_control")
class TestDunningLib(BaseCase):
    """Level selection, promises, interest and SMS texts, without a database."""

    def test_level_reached_over_time(self):
        # an item due on day 0, dunned every day: each level once, in order
        sent = 0
        history = []
        for day in range(-5, 40):
            rank = next_level_rank(STANDARD, day, sent)
            if rank:
                history.append((day, rank))
                sent = rank
        self.assertEqual(history, [(-3, 1), (0, 2), (7, 3), (15, 4), (30, 5)])

    def test_catch_up_one_level_at_a_time(self):
        # 20 days late, never dunned: the reminders before the due date are skipped, then one level at a time
        self.assertEqual(next_level_rank(STANDARD, 20, 0), 3, "found overdue: the first level after the due date")
        self.assertEqual(reached_rank(STANDARD, 20), 4, "although overdue beyond the second reminder")
        self.assertEqual(next_level_rank(STANDARD, 20, 3, days_since_last=7), None, "15 - 7 = 8 days apart")
        self.assertEqual(next_level_rank(STANDARD, 20, 3, days_since_last=8), 4)
        self.assertEqual(next_level_rank(STANDARD, 60, 4, days_since_last=14), None, "30 - 15 = 15 days apart")
        self.assertEqual(next_level_rank(STANDARD, 60, 4, days_since_last=15), 5)
        self.assertEqual(next_level_rank(STANDARD, 20, 4), None, "already sent")
        self.assertEqual(next_level_rank(STANDARD, 100, 5), None, "after the last level nothing more")
        self.assertEqual(next_level_rank(STANDARD, -4, 0), None, "too early for the friendly reminder")
        self.assertEqual(next_level_rank(STANDARD, -2, 0), 1, "the friendly reminder before the due date")
        self.assertEqual(next_level_rank(STANDARD, 3, 0), 2, "due 3 days ago: the due date reminder")
        self.assertEqual(next_level_rank(STANDARD, 10, 1, days_since_last=13), 3, "the due date reminder skipped")
        self.assertEqual(next_level_rank([20, 40], 60, 0), 1, "levels after the due date are never skipped")
        self.assertEqual(next_level_rank([], 10, 0), None)

    def test_broken_promise_escalates_once_a_level(self):
        # 8 days late, first reminder sent: the next level is due only on day 15, a broken promise
        # moves on at once
        self.assertEqual(next_level_rank(STANDARD, 8, 3), None)
        self.assertEqual(next_level_rank(STANDARD, 8, 3, broken_promise=True, days_since_last=1), 4)
        # one level, even when the delays would give more
        self.assertEqual(next_level_rank(STANDARD, 31, 3, broken_promise=True), 4)
        self.assertEqual(next_level_rank(STANDARD, 40, 5, broken_promise=True), None, "no level beyond the last")

    def test_communication_at_highest_level(self):
        self.assertEqual(communication_rank([1, 4, 2]), 4)
        self.assertEqual(communication_rank([]), 0)
        self.assertEqual(days_overdue(date(2025, 1, 1), date(2025, 1, 31)), 30)
        self.assertEqual(days_overdue(date(2025, 1, 4), date(2025, 1, 1)), -3)

    def test_promise_states(self):
        on = date(2025, 3, 10)
        self.assertIsNone(promise_state(None, 100.0, 0.0, on))
        self.assertEqual(promise_state(date(2025, 3, 10), 100.0, 0.0, on), PROMISE_ACTIVE, "active on its date")
        self.assertEqual(promise_state(date(2025, 3, 9), 100.0, 100.0, on), PROMISE_KEPT)
        self.assertEqual(promise_state(date(2025, 3, 9), 100.0, 99.0, on), PROMISE_BROKEN)

    def test_late_interest_eu_directive(self):
        rate = interest_rate(2.15)  # ECB rate + 8 points
        self.assertAlmostEqual(rate, 10.15)
        self.assertEqual(late_interest(1000.0, rate, 30), 8.34)
        self.assertEqual(late_interest(1000.0, rate, 365), 101.5)
        self.assertEqual(late_interest(1000.0, rate, 0), 0.0)
        self.assertEqual(late_interest(-5.0, rate, 30), 0.0)
        # interest already charged for 30 days: 15 more days later on
        self.assertEqual(interest_days(45, 30), 15)
        self.assertEqual(interest_days(20, 30), 0)

    def test_render_sms_text(self):
        text = render_text("%(company)s: %(amount)s overdue. %(unknown)s", {"company": "ACME", "amount": "$ 10.00"})
        self.assertEqual(text, "ACME: $ 10.00 overdue. %(unknown)s")
        self.assertEqual(render_text(False, {}), "")


@tagged("post_install", "-at_install", "credit_control")
class TestDunningPreviewLib(BaseCase):
    """SMS parts and greetings of the dunning preview, without a database."""

    def test_sms_segments(self):
        self.assertEqual(sms_segments(""), (0, 0, False))
        self.assertEqual(sms_segments("a" * 160), (160, 1, False))
        self.assertEqual(sms_segments("a" * 161), (161, 2, False))
        self.assertEqual(sms_segments("a" * 306), (306, 2, False))
        self.assertEqual(sms_segments("a" * 307), (307, 3, False))
        # the euro sign is in the GSM extension table: two septets
        self.assertEqual(sms_segments("Pay 100 €"), (10, 1, False))
        self.assertEqual(sms_segments("€" * 80), (160, 1, False))
        self.assertEqual(sms_segments("€" * 81), (162, 2, False))
        # Chinese: UCS-2, 70 characters in one message, 67 per part
        self.assertEqual(sms_segments("您好" * 35), (70, 1, True))
        self.assertEqual(sms_segments("您好" * 35 + "。"), (71, 2, True))
        self.assertEqual(sms_segments("😀"), (2, 1, True), "outside the BMP: two UTF-16 units")

    def test_salutation_name(self):
        self.assertEqual(salutation_name("Wang", "Mr.", "en_US"), "Mr. Wang")
        self.assertEqual(salutation_name("王", "先生", "zh_CN"), "王先生")
        self.assertEqual(salutation_name("王", "先生", "zh_TW"), "王先生")
        self.assertEqual(salutation_name("Tanaka", "様", "ja_JP"), "Tanaka様")
        self.assertEqual(salutation_name("Acme Retail", False, "fr_FR"), "Acme Retail")
        self.assertEqual(salutation_name(" Wang ", " Dr. ", None), "Dr. Wang")


@tagged("post_install", "-at_install", "credit_control")
class TestPdfBatchLib(BaseCase):
    """Joining report documents into one and splitting the PDF again by its page markers."""

    BODY = (
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="/web/assets/report.css"/></head>'
        '<body class="o_body_pdf container" dir="%s"><div class="article" data-oe-id="%d">%s</div></body></html>'
    )

    def test_bodies_joined_each_on_a_new_page_with_its_marker(self):
        bodies = [self.BODY % ("ltr", 7, "Alpha"), self.BODY % ("ltr", 9, "Beta <b>&amp; Co</b>")]
        html = join_report_bodies(bodies, "ab12")
        document = lxml.html.document_fromstring(html)
        self.assertEqual(len(document.head.findall("link")), 1, "the style sheets once, from the first document")
        self.assertEqual(document.body.get("class"), "o_body_pdf container")
        blocks = document.body.findall("div")
        self.assertEqual([block.get("style") for block in blocks], [None, "page-break-before: always;"])
        self.assertEqual([block.find("span").text for block in blocks], ["CCPDFab12D0E", "CCPDFab12D1E"])
        self.assertEqual([block.find("div").get("data-oe-id") for block in blocks], ["7", "9"])
        self.assertEqual(blocks[1].text_content(), "CCPDFab12D1EBeta & Co")
        self.assertTrue(html.startswith("<!DOCTYPE html>"))

    def test_bodies_of_other_directions_are_not_joined(self):
        bodies = [self.BODY % ("ltr", 7, "Alpha"), self.BODY % ("rtl", 9, "Beta")]
        self.assertIsNone(join_report_bodies(bodies, "ab12"))

    def test_pages_split_at_their_markers(self):
        pages = [
            "CCPDFab12D0E Statement Alpha",
            "page 2 of Alpha",
            "CCPDF ab12D1\nE Statement Beta",  # the text layer may break the marker
            "CCPDFab12D2E Gamma",
            "Gamma page 2",
            "Gamma page 3",
        ]
        self.assertEqual(split_page_ranges(pages, 3, "ab12"), [(0, 2), (2, 3), (3, 6)])
        self.assertEqual(split_page_ranges(pages[:3], 2, "ab12"), [(0, 2), (2, 3)])

    def test_pdf_not_split_unless_every_marker_is_found_in_order(self):
        self.assertIsNone(split_page_ranges(["CCPDFab12D0E", "nothing"], 2, "ab12"), "a marker missing")
        self.assertIsNone(split_page_ranges(["CCPDFab12D1E", "CCPDFab12D0E"], 2, "ab12"), "out of order")
        self.assertIsNone(split_page_ranges(["CCPDFab12D0E CCPDFab12D1E"], 2, "ab12"), "two documents on a page")
        self.assertIsNone(split_page_ranges(["cover", "CCPDFab12D0E", "CCPDFab12D1E"], 2, "ab12"), "a page before")
        self.assertIsNone(
            split_page_ranges(["CCPDFab12D0E", "CCPDFab12D1E", "CCPDFab12D1E"], 2, "ab12"), "a marker twice"
        )
        self.assertIsNone(split_page_ranges(["CCPDFff00D0E", "CCPDFff00D1E"], 2, "ab12"), "another batch's markers")
        self.assertIsNone(split_page_ranges([], 0, "ab12"))

    def test_text_objects_of_a_page_of_outlines(self):
        # a page of wkhtmltopdf with the report's web fonts: outlines, and the marker's text object
        content = (
            b"q 0.72 0 0 0.72 0 0 cm\n0 0 m\n765.0 0 l\n765.0 690.8 l\nh\nW* n\nf\n"
            b"BT\n/F7 1 Tf 1 0 0 -1 0 0 Tm\n41.5 0 Td <0001> Tj\nET\nQ\n"
            b"12.5 BTX m 3 ETC l S\n"  # operands and names that merely contain BT / ET
            b"BT /F1 9 Tf (total) Tj ET"
        )
        self.assertEqual(
            text_objects(content), b"BT\n/F7 1 Tf 1 0 0 -1 0 0 Tm\n41.5 0 Td <0001> Tj\nET\nBT /F1 9 Tf (total) Tj ET"
        )
        self.assertEqual(text_objects(b"0 0 m 1 1 l S"), b"", "a page without text")
        self.assertEqual(text_objects(None), b"")
