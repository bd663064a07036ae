import threading

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "credit_control")
class TestConcurrentConfirmation(TransactionCase):
    """Two sessions confirming orders of one customer cannot both pass the limit.

    The data is committed by separate cursors (a test transaction is invisible to other
    sessions) and removed at the end.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.hold_setting = company.credit_hold_enabled
            company.credit_hold_enabled = True
            partner = env["res.partner"].create({"name": "Race Customer", "is_company": True})
            partner.with_company(company).credit_limit = 1000.0
            product = env["product.product"].create({"name": "Race Widget", "list_price": 600.0, "taxes_id": []})
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": 1,
                                    "price_unit": 600.0,
                                    "tax_id": [],
                                }
                            )
                        ],
                    }
                    for _index in range(2)
                ]
            )
            self.company_id, self.partner_id, self.product_id = company.id, partner.id, product.id
            self.order_ids = orders.ids
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.order_ids)
            orders.credit_hold_ids.unlink()
            orders.filtered(lambda o: o.state == "sale")._action_cancel()
            if "picking_ids" in orders._fields:
                # sale_stock (installed with credit_control_stock): the confirmed order has a delivery
                groups = orders.procurement_group_id
                orders.picking_ids.unlink()
                orders.unlink()
                groups.unlink()
            else:
                orders.unlink()
            env["product.product"].browse(self.product_id).unlink()
            env["res.partner"].browse(self.partner_id).unlink()
            env["res.company"].browse(self.company_id).credit_hold_enabled = self.hold_setting

    def _backend_pid(self, cr):
        cr.execute("SELECT pg_backend_pid()")
        return cr.fetchone()[0]

    def _wait_until_blocked(self, pid):
        """The backends ``pid`` waits for, once PostgreSQL reports it blocked on a lock.

        Asks PostgreSQL (from a third connection) instead of sleeping: the answer does not
        depend on the speed of the machine. Gives up after a bounded number of checks.
        """
        with self.registry.cursor() as observer:
            for _attempt in range(200000):
                observer.execute("SELECT pg_blocking_pids(%s)", [pid])
                blockers = observer.fetchone()[0]
                if blockers:
                    return blockers
                observer.rollback()
        return []

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})

    def test_second_confirmation_waits_then_is_held(self):
        first_id, second_id = self.order_ids
        outcome = {}
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1, env2 = self._env(cr1), self._env(cr2)
            # both sessions have started their transaction before either confirms
            env2["sale.order"].browse(second_id).read(["state"])
            env1["sale.order"].browse(first_id).action_confirm()
            self.assertEqual(env1["sale.order"].browse(first_id).state, "sale")
            cr1.execute("SELECT partner_id FROM credit_control_partner_lock WHERE partner_id = %s", [self.partner_id])
            self.assertEqual(cr1.fetchall(), [(self.partner_id,)], "the customer's lock row, not its res_partner row")

            def confirm_second():
                try:
                    env2["sale.order"].browse(second_id).action_confirm()
                    env2.flush_all()
                    outcome["second"] = env2["sale.order"].browse(second_id).state
                except SerializationFailure:
                    outcome["second"] = "serialization failure"

            # the expected serialization failure is not logged as a bad query (log monitoring)
            pid1, pid2 = self._backend_pid(cr1), self._backend_pid(cr2)
            with self.assertNoLogs("odoo.sql_db", level="ERROR"):
                worker = threading.Thread(target=confirm_second)
                worker.start()
                self.assertIn(pid1, self._wait_until_blocked(pid2), "the second check waits for the first transaction")
                self.assertTrue(worker.is_alive())
                cr1.commit()
                worker.join(30)
            self.assertFalse(worker.is_alive())
            self.assertEqual(outcome["second"], "serialization failure")
            cr2.rollback()

            # Odoo retries a request that failed to serialise: the retry sees the first order
            second = env2["sale.order"].browse(second_id)
            env2.invalidate_all()
            second.action_confirm()
            self.assertIn(second.state, ("draft", "sent"))
            self.assertEqual(second.credit_hold_ids.state, "pending")
            self.assertIn("exceeds the credit limit", second.credit_hold_ids.reason_summary)
            cr2.commit()
