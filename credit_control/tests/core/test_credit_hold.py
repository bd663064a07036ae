from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestCreditHold(CreditControlCommon):
    """Confirmation is checked on the server; failing orders stay quotations with a hold."""

    def assertHeld(self, order, rules):
        self.assertIn(order.state, ("draft", "sent"), "a held order stays a quotation")
        hold = order.credit_hold_ids.filtered(lambda h: h.state == "pending")
        self.assertEqual(len(hold), 1)
        self.assertEqual(order.credit_hold_state, "pending")
        self.assertEqual(hold.reason_ids.mapped("rule"), rules)
        return hold

    def test_order_within_limit_is_confirmed(self):
        self.create_invoice(self.customer, 600.0)
        order = self.create_order(self.customer_contact, 400.0)
        result = self.confirm_as(self.salesman, order)
        self.assertIs(result, True)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_ids)

    def test_order_over_limit_is_held_with_reasons_activity_and_message(self):
        self.create_invoice(self.customer, 600.0)
        order = self.create_order(self.customer_contact, 450.0)
        action = self.confirm_as(self.salesman, order)

        hold = self.assertHeld(order, ["credit_limit"])
        self.assertEqual(hold.partner_id, self.customer)
        self.assertEqual(hold.requested_by_id, self.salesman)
        self.assertEqual(hold.user_id, self.salesman)
        self.assertEqual(hold.amount_total, 450.0)
        self.assertEqual(hold.reason_ids.value, 1050.0)
        self.assertEqual(hold.reason_ids.threshold, 1000.0)
        self.assertIn("exceeds the credit limit", hold.reason_ids.message)
        self.assertIn("$\xa0600.00", hold.reason_ids.message)
        self.assertIn("by $\xa050.00", hold.reason_ids.message)
        self.assertTrue(hold.name.startswith("HOLD/"))
        # the salesperson is told why, without a traceback
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(hold.name, action["params"]["message"])
        self.assertIn("exceeds the credit limit", action["params"]["message"])
        # credit managers get an activity, the order a message
        activity = hold.activity_ids
        self.assertIn(self.credit_manager, activity.user_id)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("credit_control.mail_activity_type_credit_hold_review")
        )
        self.assertNotIn(self.salesman, activity.user_id)
        self.assertTrue(
            order.message_ids.filtered(lambda m: hold.name in m.body and "exceeds the credit limit" in m.body)
        )

    def test_temporary_increase_lets_the_order_pass(self):
        self.customer.with_user(self.credit_manager).write(
            {
                "credit_limit_temp_increase": 500.0,
                "credit_limit_temp_expiry": self.today + timedelta(days=5),
            }
        )
        order = self.create_order(self.customer, 1400.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

    def test_overdue_beyond_tolerance_holds(self):
        self.company.write({"credit_overdue_tolerance_days": 10, "credit_overdue_tolerance_amount": 50.0})
        self.create_invoice(self.customer, 80.0, days_ago=38, due_in=30)  # 8 days late: tolerated
        order = self.create_order(self.customer, 10.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

        self.create_invoice(self.customer, 60.0, days_ago=45, due_in=30)  # 15 days late, > 50
        order = self.create_order(self.customer, 10.0)
        self.confirm_as(self.salesman, order)
        hold = self.assertHeld(order, ["overdue"])
        self.assertEqual(hold.reason_ids.value, 60.0)
        self.assertIn("15 days past due", hold.reason_ids.message)

    def test_overdue_check_can_be_switched_off(self):
        self.company.credit_overdue_check = False
        self.create_invoice(self.customer, 100.0, days_ago=90, due_in=30)
        order = self.create_order(self.customer, 10.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

    def test_manual_hold_and_blacklist(self):
        self.customer.with_user(self.credit_manager).write(
            {
                "credit_hold": True,
                "credit_hold_reason": "Bank guarantee expired",
                "credit_blacklisted": True,
                "credit_blacklist_reason": "Fraud",
            }
        )
        order = self.create_order(self.customer_contact, 10.0)
        self.confirm_as(self.salesman, order)
        hold = self.assertHeld(order, ["blacklist", "manual_hold"])
        self.assertIn("Fraud", hold.reason_summary)
        self.assertIn("Bank guarantee expired", hold.reason_summary)

    def test_customer_without_limit_follows_company_policy(self):
        partner = self.env["res.partner"].create({"name": "No Limit Inc", "is_company": True})
        order = self.create_order(partner, 99999.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

        self.company.credit_no_limit_policy = "no_credit"
        order = self.create_order(partner, 1.0)
        self.confirm_as(self.salesman, order)
        self.assertHeld(order, ["credit_limit"])

    def test_holds_disabled_confirms_everything(self):
        self.company.credit_hold_enabled = False
        order = self.create_order(self.customer, 5000.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_ids)

    def test_confirming_again_updates_the_pending_hold(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        hold = self.assertHeld(order, ["credit_limit"])
        order.order_line.price_unit = 1700.0
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.credit_hold_ids, hold, "no duplicate hold")
        self.assertEqual(hold.amount_total, 1700.0)
        self.assertEqual(hold.reason_ids.value, 1700.0)
        self.assertEqual(len(hold.activity_ids.filtered(lambda a: a.user_id == self.credit_manager)), 1)

    def test_several_orders_confirmed_together_count_each_other(self):
        first = self.create_order(self.customer, 600.0)
        second = self.create_order(self.customer, 600.0)
        (first | second).with_user(self.salesman).action_confirm()
        self.assertEqual(first.state, "sale")
        self.assertHeld(second, ["credit_limit"])

    def test_release_requires_a_reason_and_confirms_the_order(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        hold = order.credit_hold_ids
        with self.assertRaisesText(UserError, "reason"):
            hold.with_user(self.credit_manager)._release("  ")
        self.assertEqual(hold.state, "pending")
        self.assertEqual(order.state, "draft")

        wizard = (
            self.env["credit.hold.decision"]
            .with_user(self.credit_manager)
            .create(
                {
                    "hold_ids": hold.ids,
                    "decision": "release",
                    "reason": "Customer paid a deposit by wire",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(order.state, "sale")
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.decided_by_id, self.credit_manager)
        self.assertEqual(hold.released_amount, 1500.0)
        self.assertEqual(hold.decision_reason, "Customer paid a deposit by wire")
        self.assertEqual(order.credit_hold_state, "released")
        self.assertFalse(hold.activity_ids, "the review activities are done")
        for record in (order, hold):
            self.assertTrue(
                record.message_ids.filtered(
                    lambda m: "released" in m.body and "Customer paid a deposit by wire" in m.body
                )
            )
        notified = order.message_ids.filtered(lambda m: "released" in m.body).notified_partner_ids
        self.assertIn(self.salesman.partner_id, notified)
        # the state change is tracked on the hold
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        tracked = hold.message_ids.tracking_value_ids.filtered(lambda v: v.field_id.name == "state")
        self.assertEqual(tracked.mapped("new_value_char"), ["Released"])

    def test_release_is_bounded_to_the_order_amount(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        order.credit_hold_ids.with_user(self.credit_manager)._release("Known customer")
        self.assertEqual(order.state, "sale")
        # back to quotation, then grown beyond what was released: checked again
        order.with_user(self.salesman)._action_cancel()
        order.with_user(self.salesman).action_draft()
        order.order_line.price_unit = 1600.0
        self.confirm_as(self.salesman, order)
        self.assertHeld(order, ["credit_limit"])
        # at or below the released amount it passes without a new decision
        order.order_line.price_unit = 1500.0
        order.credit_hold_ids.filtered(lambda h: h.state == "pending").with_user(self.credit_manager)._reject(
            "Only the released amount"
        )
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

    def test_reject_keeps_the_quotation_and_tells_the_salesperson(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        hold = order.credit_hold_ids
        with self.assertRaisesText(UserError, "reason"):
            hold.with_user(self.credit_manager)._reject("")
        hold.with_user(self.credit_manager)._reject("Ask for prepayment")
        self.assertEqual(hold.state, "rejected")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_hold_state, "rejected")
        message = order.message_ids.filtered(lambda m: "rejected" in m.body)
        self.assertIn("Ask for prepayment", message.body)
        self.assertIn(self.salesman.partner_id, message.notified_partner_ids)
        with self.assertRaisesText(UserError, "already decided"):
            hold.with_user(self.credit_manager)._release("Changed my mind")
        # trying again opens a new hold rather than reusing the decided one
        self.confirm_as(self.salesman, order)
        self.assertEqual(len(order.credit_hold_ids), 2)
        self.assertEqual(order.credit_hold_state, "pending")

    def test_salesperson_cannot_release_or_reject(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        hold = order.credit_hold_ids.with_user(self.salesman)
        self.assertEqual(hold.state, "pending", "the salesperson sees the hold of his order")
        with self.assertRaisesText(AccessError, "Only credit managers can release or reject credit holds"):
            hold._release("I know them")
        with self.assertRaisesText(AccessError, "Only credit managers can release or reject credit holds"):
            hold._reject("whatever")
        with self.assertRaisesText(AccessError, "not allowed to modify"):
            hold.write({"state": "released"})
        with self.assertRaisesText(AccessError, "not allowed to create"):
            self.env["credit.hold.decision"].with_user(self.salesman).create(
                {
                    "hold_ids": hold.ids,
                    "decision": "release",
                    "reason": "x",
                }
            )
        self.assertEqual(hold.state, "pending")
        self.assertEqual(order.state, "draft")

    def test_released_order_that_was_cancelled_cannot_be_released(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        order.with_user(self.salesman)._action_cancel()
        with self.assertRaisesText(UserError, "no longer a quotation"):
            order.credit_hold_ids.with_user(self.credit_manager)._release("ok")
        self.assertEqual(order.credit_hold_ids.state, "pending")

    def test_hold_report_renders(self):
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "credit_control.action_report_credit_hold", order.credit_hold_ids.ids
        )[0]
        self.assertIn(order.credit_hold_ids.name.encode(), html)
        self.assertIn(b"exceeds the credit limit", html)
