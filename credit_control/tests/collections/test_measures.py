from datetime import timedelta

from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCollectionMeasures(CollectionsCommon):
    """Collected per collector and month, CEI and kept rate, for the pivot."""

    def test_month_of_a_collector(self):
        start = self.today.replace(day=1)
        self.create_invoice(self.customer, 500.0, days_ago=self.today.day + 5, due_in=1)
        invoice = self.create_invoice(self.customer, 1000.0, days_ago=0, due_in=45)
        self.pay(invoice, 400.0)
        measures = self.env["credit.collection.measure"]._compute_month(self.company, self.today)
        mine = measures.filtered(lambda measure: measure.user_id == self.collector)
        self.assertEqual(len(mine), 1)
        self.assertEqual(
            (
                mine.month,
                mine.collected,
                mine.receivable_begin,
                mine.credit_sales,
                mine.receivable_end,
                mine.receivable_end_current,
            ),
            (start, 400.0, 500.0, 1000.0, 1100.0, 600.0),
        )
        self.assertEqual(mine.cei, 44.44, "(500 + 1,000 - 1,100) / (500 + 1,000 - 600)")
        # computed again: replaced, not added
        self.env["credit.collection.measure"]._compute_month(self.company, self.today)
        self.assertEqual(
            self.env["credit.collection.measure"].search_count(
                [("user_id", "=", self.collector.id), ("month", "=", start)]
            ),
            1,
        )
        action = self.env["credit.collection.measure"].action_compute_recent()
        self.assertEqual(action["tag"], "soft_reload")
        groups = self.env["credit.collection.measure"]._read_group(
            [("user_id", "=", self.collector.id)], ["month:month"], ["collected:sum"]
        )
        self.assertIn(400.0, [amount for _month, amount in groups])
        self.assertTrue(all(month <= start for month, _amount in groups))
        self.assertFalse(
            self.env["credit.collection.measure"].search(
                [("user_id", "=", self.collector.id), ("month", "<", start - timedelta(days=400))]
            )
        )
