import json

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestEnforcement(CreditControlCommon):
    """Every path to a confirmed order passes the credit check (limit 1,000 in these tests)."""

    def assertNothingConfirmed(self, order):
        order.invalidate_recordset()
        self.assertIn(order.state, ("draft", "sent"))
        self.assertFalse(order.credit_hold_ids, "no hold either: the change was refused as a whole")

    def test_writing_the_state_is_checked(self):
        order = self.create_order(self.customer, 1500.0)
        with self.assertRaisesText(UserError, "cannot be confirmed this way"):
            order.with_user(self.salesman).write({"state": "sale"})
        self.assertNothingConfirmed(order)
        # the message names the order and the reason
        with self.assertRaisesText(UserError, "exceeds the credit limit"):
            order.with_user(self.salesman).write({"state": "sale"})
        # as superuser too (server actions and automations run as superuser)
        with self.assertRaisesText(UserError, "cannot be confirmed this way"):
            order.sudo().write({"state": "sale"})
        self.assertNothingConfirmed(order)

    def test_writing_the_state_within_credit_passes(self):
        order = self.create_order(self.customer, 400.0)
        order.with_user(self.salesman).write({"state": "sale"})
        self.assertEqual(order.state, "sale")

    def test_creating_a_confirmed_order_is_checked(self):
        orders = self.env["sale.order"].search_count([])
        vals = {
            "partner_id": self.customer.id,
            "state": "sale",
            "order_line": [Command.create({"product_id": self.product.id, "price_unit": 1500.0})],
        }
        # refused when its lines are added to the confirmed order, or when it is created confirmed
        with self.assertRaisesText(UserError, "exceeds the credit limit"):
            self.env["sale.order"].with_user(self.salesman).create(vals)
        self.assertEqual(self.env["sale.order"].search_count([]), orders, "nothing was created")
        small = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(dict(vals, order_line=[Command.create({"product_id": self.product.id, "price_unit": 300.0})]))
        )
        self.assertEqual(small.state, "sale")

    def test_importing_confirmed_orders_is_checked(self):
        orders = self.env["sale.order"].search_count([])
        result = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .load(
                ["partner_id/.id", "state", "order_line/product_id/.id", "order_line/price_unit"],
                [[str(self.customer.id), "sale", str(self.product.id), "2500"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertIn("exceeds the credit limit", " ".join(m["message"] for m in result["messages"]))
        self.assertEqual(self.env["sale.order"].search_count([]), orders)

    def test_confirm_button_still_holds_and_release_still_confirms(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual((order.state, order.credit_hold_ids.state), ("draft", "pending"))
        order.credit_hold_ids.with_user(self.credit_manager)._release("Deposit received")
        self.assertEqual(order.state, "sale")

    def test_edit_while_pending_updates_the_hold(self):
        order = self.create_order(self.customer, 1200.0)
        self.confirm_as(self.salesman, order)
        hold = order.credit_hold_ids
        self.assertEqual(hold.amount_total, 1200.0)
        order.with_user(self.salesman).write(
            {"order_line": [Command.update(order.order_line.id, {"price_unit": 12000.0})]}
        )
        self.assertEqual(hold.state, "pending")
        self.assertEqual(hold.amount_total, 12000.0, "the hold shows what the manager releases")
        self.assertIn("12,000.00", hold.reason_summary)
        self.assertIn("12,000.00", hold.activity_ids[:1].note)
        self.assertTrue(hold.message_ids.filtered(lambda m: "changed while waiting" in m.body))
        hold.with_user(self.credit_manager)._release("Seen at 12,000")
        self.assertEqual((order.state, hold.released_amount), ("sale", 12000.0))

    def test_edit_of_the_lines_directly_updates_the_hold(self):
        order = self.create_order(self.customer, 1200.0)
        self.confirm_as(self.salesman, order)
        order.order_line.with_user(self.salesman).write({"product_uom_qty": 5.0})
        self.assertEqual(order.credit_hold_ids.amount_total, 6000.0)

    def test_change_of_customer_while_pending_updates_the_hold(self):
        order = self.create_order(self.customer, 1200.0)
        self.confirm_as(self.salesman, order)
        other = self.env["res.partner"].create({"name": "Other Ltd", "is_company": True, "credit_limit": 100.0})
        order.with_user(self.salesman).write({"partner_id": other.id, "partner_invoice_id": other.id})
        self.assertEqual(order.credit_hold_ids.partner_id, other)

    def test_release_refuses_an_order_changed_behind_the_hold(self):
        order = self.create_order(self.customer, 1200.0)
        self.confirm_as(self.salesman, order)
        hold = order.credit_hold_ids
        # a change the ORM did not see (a script in SQL): the release refuses it
        self.env.cr.execute("UPDATE sale_order SET amount_total = 12000 WHERE id = %s", [order.id])
        order.invalidate_recordset(["amount_total"])
        with self.assertRaisesText(UserError, "changed since credit hold"):
            hold.with_user(self.credit_manager)._release("Looks fine")
        self.assertEqual((hold.state, order.state), ("pending", "draft"))


@tagged("post_install", "-at_install", "credit_control")
class TestEnforcementOverJsonRpc(CreditControlCommon, HttpCase):
    """The side doors as an integrator tries them: a salesperson's JSON-RPC calls, also in Chinese."""

    def call(self, method, args, kwargs=None):
        """The JSON-RPC answer of ``sale.order.<method>``: its result, or the error a client gets."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": "sale.order", "method": method, "args": args, "kwargs": kwargs or {}},
        }
        response = self.url_open(
            "/web/dataset/call_kw/sale.order/%s" % method,
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def assertRefused(self, answer, text):
        self.assertIn("error", answer, "the call was refused")
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertIn(text, answer["error"]["data"]["message"])

    def test_salesperson_rpc_write_create_and_import(self):
        self.authenticate(self.salesman.login, self.salesman.login)
        order = self.create_order(self.customer, 1500.0)
        self.assertRefused(self.call("write", [order.ids, {"state": "sale"}]), "cannot be confirmed this way")
        line = {"product_id": self.product.id, "price_unit": 2500.0}
        vals = {"partner_id": self.customer.id, "state": "sale", "order_line": [Command.create(line)]}
        self.assertRefused(self.call("create", [[vals]]), "exceeds the credit limit")
        result = self.call(
            "load",
            [
                ["partner_id/.id", "state", "order_line/product_id/.id", "order_line/price_unit"],
                [[str(self.customer.id), "sale", str(self.product.id), "2500"]],
            ],
        )
        self.assertFalse(result["result"]["ids"])
        self.assertIn("exceeds the credit limit", " ".join(m["message"] for m in result["result"]["messages"]))
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.customer.id), ("state", "=", "sale")]))

    def test_salesperson_cannot_set_the_credit_customer_nor_a_recent_check(self):
        """Over RPC and imports, the fields the check trusts (the customer judged, the date and
        amount of the last check, which give a later door its grace) are refused, and the
        order's 1,500 stays judged on its own customer's limit of 1,000."""
        rich = self.env["res.partner"].create({"name": "Rich Ltd", "is_company": True})
        self.authenticate(self.salesman.login, self.salesman.login)
        order = self.create_order(self.customer, 1500.0)
        for vals in ({"credit_partner_id": rich.id}, {"credit_checked_date": "2026-12-03 08:00:00"}):
            self.assertRefused(self.call("write", [order.ids, vals]), "never by hand")
        vals = {"partner_id": self.customer.id, "credit_checked_amount": 1e9}
        self.assertRefused(self.call("create", [[vals]]), "never by hand")
        result = self.call(
            "load", [["partner_id/.id", "credit_partner_id/.id"], [[str(self.customer.id), str(rich.id)]]]
        )
        self.assertFalse(result["result"]["ids"])
        self.assertIn("never by hand", " ".join(m["message"] for m in result["result"]["messages"]))
        order.invalidate_recordset()
        self.assertEqual(order.credit_partner_id, self.customer)
        self.assertFalse(order.credit_checked_date)
        self.assertFalse(
            self.env["sale.order"].search([("partner_id", "=", self.customer.id), ("credit_checked_amount", ">", 0)])
        )
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft", "held: 1,500 over the limit of 1,000")
        self.assertEqual(order.credit_hold_ids.partner_id, self.customer)

    def test_refusal_is_in_the_salespersons_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["zh_CN"], overwrite=True)
        self.salesman.lang = "zh_CN"
        self.authenticate(self.salesman.login, self.salesman.login)
        order = self.create_order(self.customer, 1500.0)
        answer = self.call("write", [order.ids, {"state": "sale"}], {"context": {"lang": "zh_CN"}})
        self.assertRefused(answer, "不能以此方式确认")
        answer = self.call(
            "write", [order.ids, {"credit_partner_id": self.customer.id}], {"context": {"lang": "zh_CN"}}
        )
        self.assertRefused(answer, "不能手动设置：信用客户")
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
