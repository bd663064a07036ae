from odoo.tests import HttpCase, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCollectionsTour(CollectionsCommon, HttpCase):
    """In the browser: the collector opens the worklist and logs a promise; paid, the task closes."""

    def test_worklist_promise_payment_closes_the_task(self):
        self.customer.name = "Tour Customer"
        invoice = self.invoice_due(self.customer, 1000.0, -12)
        task = self.refresh(self.customer)
        self.start_tour("/odoo/credit-worklist", "credit_control_collections_tour", login=self.collector.login)
        self.assertEqual(task.last_outcome, "promise")
        promise = task.contact_ids.promise_id
        self.assertEqual((promise.amount, promise.state, promise.note), (500.0, "open", "Pays on Friday"))
        self.pay(invoice, 500.0)
        self.assertEqual(promise.state, "kept")
        self.assertEqual(task.state, "open", "500 still overdue")
        self.pay(invoice, 500.0)
        self.assertEqual(task.state, "done")
