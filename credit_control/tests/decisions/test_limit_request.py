from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CreditDecisionsCommon


@tagged("post_install", "-at_install", "credit_control")
class TestLimitRequest(CreditDecisionsCommon):
    """Credit requests: every kind, each tier path, the held-order link, locked limits, release authority."""

    def test_default_tiers_of_every_company(self):
        tiers = self.env["tier.definition"].search(
            [("model", "=", "credit.limit.request"), ("company_id", "=", self.company.id)], order="sequence desc"
        )
        self.assertEqual(tiers.mapped("name"), ["Sales manager", "Credit manager", "General manager"])
        self.assertEqual(
            tiers.reviewer_group_id,
            self.env.ref("sales_team.group_sale_manager")
            | self.env.ref("credit_control.group_credit_manager")
            | self.env.ref("credit_control.group_credit_director"),
        )
        self.assertTrue(all(tiers.mapped("approve_sequence")))
        company = self.env["res.company"].create({"name": "New Subsidiary"})
        new_tiers = self.env["tier.definition"].search(
            [("model", "=", "credit.limit.request"), ("company_id", "=", company.id)]
        )
        self.assertEqual(len(new_tiers), 3)
        # installing again (or a second call) adds nothing to configured companies
        self.env["tier.definition"]._create_credit_default_tiers(company)
        self.assertEqual(
            self.env["tier.definition"].search_count(
                [("model", "=", "credit.limit.request"), ("company_id", "=", company.id)]
            ),
            3,
        )

    def test_request_from_held_order_two_tiers_then_order_confirms(self):
        order = self.held_order()
        hold = order.credit_hold_ids
        self.assertEqual(hold.credit_excess, 150.0)
        action = order.with_user(self.salesman).action_request_credit()
        self.assertEqual(action["res_model"], "credit.limit.request")
        with Form(self.Request.with_user(self.salesman).with_context(**action["context"])) as form:
            self.assertEqual(form.kind, "increase")
            self.assertEqual(form.requested_limit, 1150.0)
            form.justification = "Big season, pays on time"
        request = form.record
        self.assertEqual(request.hold_id, hold)
        self.assertEqual(request.order_id, order)
        self.assertEqual(request.origin, "hold")
        # the figures of the decision are frozen on the request
        self.assertEqual(request.sudo().exposure, 700.0)
        self.assertEqual(request.current_limit, 1000.0)
        self.assertEqual(request.approval_amount, 150.0)
        self.assertEqual(request.requested_by_id, self.salesman)

        request.with_user(self.salesman).action_submit()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(self.tier_names(request), ["Sales manager", "Credit manager"])
        self.assertEqual(self.statuses(request), ["pending", "waiting"])
        self.assertIn(self.sales_boss, request.review_ids.sorted("sequence")[0].reviewer_ids)

        self.review(request, self.sales_boss, comment="Season orders confirmed")
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(self.statuses(request), ["approved", "pending"])
        self.assertEqual(self.customer.credit_limit, 1000.0, "nothing applied before the last tier")
        self.assertEqual(order.state, "draft")

        self.flush_tracking()  # what was tracked before, in its own request
        self.review(request, self.credit_manager, comment="Within the suggested limit")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.credit_manager)
        self.assertEqual(self.customer.credit_limit, 1150.0)
        # the held order was checked again and confirmed; its hold says why
        self.assertEqual(order.state, "sale")
        self.assertEqual(hold.state, "released")
        self.assertIn(request.name, hold.decision_reason)
        # the requester is notified, with the reviewers' comments
        message = request.message_ids.filtered(lambda m: self.salesman.partner_id in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("was approved by Carla Credit", message.body)
        self.assertIn("Season orders confirmed", message.body)
        # the limit change is tracked on the customer, by the approver
        self.flush_tracking()
        tracking = self.customer.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "credit_limit")
        self.assertEqual(tracking[:1].new_value_float, 1150.0)
        self.assertEqual(tracking[:1].mail_message_id.author_id, self.credit_manager.partner_id)

    def test_still_failing_order_stays_held_after_approval(self):
        order = self.held_order()
        request = self.new_request(requested_limit=1100.0, hold_id=order.credit_hold_ids.id, origin="hold")
        request.action_submit()
        self.review(request, self.sales_boss)
        self.review(request, self.credit_manager)
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.customer.credit_limit, 1100.0)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_hold_state, "pending")
        self.assertIn("still does not pass", request.message_ids[:3].mapped("body")[1] + request.message_ids[0].body)

    def test_approve_at_each_of_three_levels(self):
        partner = self._new_customer()
        request = self.new_request("application", partner=partner, requested_limit=60000.0)
        request.action_submit()
        self.assertEqual(self.tier_names(request), ["Sales manager", "Credit manager", "General manager"])
        for user, statuses in (
            (self.sales_boss, ["approved", "pending", "waiting"]),
            (self.credit_manager, ["approved", "approved", "pending"]),
        ):
            self.review(request, user)
            self.assertEqual(self.statuses(request), statuses)
            self.assertEqual(request.state, "to_approve")
            self.assertEqual(partner.credit_limit, 0.0)
        self.review(request, self.director)
        self.assertEqual(request.state, "approved")
        self.assertEqual(partner.credit_limit, 60000.0)

    def test_reject_at_each_level(self):
        reviewers = [self.sales_boss, self.credit_manager, self.director]
        for level in range(3):
            partner = self._new_customer()
            request = self.new_request("application", partner=partner, requested_limit=60000.0)
            request.action_submit()
            for user in reviewers[:level]:
                self.review(request, user)
            self.review(request, reviewers[level], approve=False, comment="Too risky")
            self.assertEqual(request.state, "rejected", "rejected at level %s" % (level + 1))
            self.assertEqual(request.validation_status, "rejected")
            self.assertEqual(partner.credit_limit, 0.0, "a rejected request changes nothing")
            self.assertEqual(request.review_ids.sorted("sequence")[level].status, "rejected")
            self.assertNotIn("waiting", self.statuses(request))
            message = request.message_ids.filtered(lambda m: self.salesman.partner_id in m.partner_ids)
            self.assertIn("was rejected by %s" % reviewers[level].name, message.body)
            self.assertIn("Too risky", message.body)

    def test_reviewer_of_another_tier_is_refused(self):
        request = self.new_request(requested_limit=1500.0)
        request.action_submit()
        with self.assertRaisesText(AccessError, "it waits for Sales manager"):
            request.with_user(self.credit_manager).validate_tier()
        with self.assertRaisesText(AccessError, "it waits for Sales manager"):
            request.with_user(self.credit_manager).reject_tier()
        with self.assertRaisesText(AccessError, "You cannot decide"):
            request.with_user(self.salesman).validate_tier()
        self.assertEqual(self.statuses(request), ["pending", "waiting"])
        self.review(request, self.sales_boss)
        with self.assertRaisesText(AccessError, "it waits for Credit manager"):
            request.with_user(self.sales_boss).validate_tier()
        self.assertEqual(self.statuses(request), ["approved", "pending"])
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_each_kind_applies_itself(self):
        # decrease
        request = self.new_request("decrease", requested_limit=400.0)
        self._approve_all(request)
        self.assertEqual(self.customer.credit_limit, 400.0)
        # temporary increase with its expiry
        expiry = self.today + timedelta(days=20)
        request = self.new_request("temporary", temp_increase=300.0, temp_expiry=expiry)
        self.assertEqual(request.approval_amount, 300.0)
        self._approve_all(request)
        partner = self.figures_of(self.customer)
        self.assertEqual(partner.credit_limit_temp_increase, 300.0)
        self.assertEqual(partner.credit_limit_temp_expiry, expiry)
        self.assertEqual(partner.credit_limit_effective, 700.0)
        # payment terms
        terms = self.env.ref("account.account_payment_term_30days")
        request = self.new_request("payment_terms", payment_term_id=terms.id)
        self.assertEqual(request.approval_amount, 0.0)
        self._approve_all(request)
        self.assertEqual(self.customer.property_payment_term_id, terms)
        # first credit for a new customer
        newcomer = self._new_customer()
        request = self.new_request("application", partner=newcomer, requested_limit=2000.0)
        self.assertEqual(request.current_limit, 0.0)
        self._approve_all(request)
        self.assertEqual(newcomer.credit_limit, 2000.0)
        self.assertIn("credit limit", newcomer.message_ids[0].body)

    def test_bad_requests_are_refused_and_stay_draft(self):
        cases = [
            ({"kind": "increase", "requested_limit": 900.0}, "must ask for more"),
            ({"kind": "decrease", "requested_limit": 1200.0}, "must ask for less"),
            ({"kind": "temporary", "temp_increase": 100.0}, "expiry date"),
            ({"kind": "temporary", "temp_increase": 100.0, "temp_expiry": self.today - timedelta(days=1)}, "expiry"),
            ({"kind": "payment_terms"}, "Choose the new payment terms"),
            ({"kind": "application", "requested_limit": 0.0}, "Give the amount"),
        ]
        for values, text in cases:
            request = self.new_request(**values)
            with self.assertRaisesText(ValidationError, text):
                request.with_user(self.salesman).action_submit()
            self.assertEqual(request.state, "draft")
            self.assertFalse(request.review_ids)
        request = self.new_request(requested_limit=1500.0, justification=" ")
        with self.assertRaisesText(UserError, "Give the justification"):
            request.action_submit()
        with self.assertRaisesText(ValidationError, "not for its contact"):
            self.new_request(partner=self.customer_contact, requested_limit=1500.0)
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_locked_limits_change_only_through_requests(self):
        self.company.credit_limit_locked = True
        for user in (self.credit_manager, self.env.user):
            with self.assertRaisesText(UserError, "change only through approved credit requests"):
                self.customer.with_user(user).credit_limit = 5000.0
        with self.assertRaisesText(UserError, "change only through approved credit requests"):
            self.customer.with_user(self.credit_manager).write(
                {"credit_limit_temp_increase": 100.0, "credit_limit_temp_expiry": self.today}
            )
        with self.assertRaisesText(UserError, "change only through approved credit requests"):
            self.env["res.partner"].with_user(self.credit_manager).create({"name": "Direct", "credit_limit": 10.0})
        self.assertEqual(self.customer.credit_limit, 1000.0)
        # other fields stay editable, and an approved request applies itself
        self.customer.with_user(self.credit_manager).credit_hold_reason = "Just a note"
        request = self.new_request(requested_limit=5000.0)
        self._approve_all(request)
        self.assertEqual(self.customer.credit_limit, 5000.0)
        # other companies are not locked
        self.company.credit_limit_locked = False
        self.customer.with_user(self.credit_manager).credit_limit = 4000.0
        self.assertEqual(self.customer.credit_limit, 4000.0)

    def test_release_above_authority_goes_through_tiers(self):
        self.company.credit_release_authority = 100.0
        order = self.held_order()
        hold = order.credit_hold_ids
        self.assertTrue(hold.release_needs_approval)
        with self.assertRaisesText(UserError, "above a credit manager's authority"):
            hold.with_user(self.credit_manager)._release("I know them")
        self.assertEqual(hold.state, "pending")
        action = hold.with_user(self.credit_manager).action_request_release_approval()
        request = self.Request.browse(action["res_id"])
        self.assertEqual(request.kind, "release")
        self.assertEqual(request.approval_amount, 150.0)
        self.assertEqual(self.tier_names(request), ["Credit manager", "General manager"])
        with self.assertRaisesText(UserError, "already waiting"):
            hold.with_user(self.credit_manager).action_request_release_approval()
        self.review(request, self.credit_manager)
        self.assertEqual(hold.state, "pending")
        self.review(request, self.director)
        self.assertEqual(request.state, "approved")
        self.assertEqual(hold.state, "released")
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.customer.credit_limit, 1000.0, "a release changes no limit")

    def test_release_within_authority_is_direct(self):
        self.company.credit_release_authority = 200.0
        order = self.held_order()
        hold = order.credit_hold_ids
        self.assertFalse(hold.release_needs_approval)
        hold.with_user(self.credit_manager)._release("Deposit received")
        self.assertEqual(order.state, "sale")

    def test_release_of_grade_reserved_to_tiers(self):
        order = self.held_order()
        hold = order.credit_hold_ids
        self.company.credit_release_director_grades = "D"
        self.assertFalse(hold._release_above_authority("B"))
        self.assertTrue(hold._release_above_authority("D"))

    def test_salespeople_see_their_requests_only(self):
        other = self.env["res.users"].create(
            {
                "name": "Other Sales",
                "login": "other_sales",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        request = self.new_request(requested_limit=1500.0)
        self.assertFalse(self.Request.with_user(other).search([("id", "=", request.id)]))
        self.assertTrue(self.Request.with_user(self.salesman).search([("id", "=", request.id)]))
        self.assertTrue(self.Request.with_user(self.credit_manager).search([("id", "=", request.id)]))

    def test_cancel_and_back_to_draft(self):
        request = self.new_request(requested_limit=1500.0)
        request.action_submit()
        request.with_user(self.salesman).action_cancel()
        self.assertEqual(request.state, "cancel")
        request.with_user(self.salesman).action_draft()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.review_ids)
        request.with_user(self.salesman).action_submit()
        self.assertEqual(self.statuses(request), ["pending", "waiting"])

    # ------------------------------------------------------------------

    def _new_customer(self):
        return self.env["res.partner"].create({"name": "Newcomer Ltd", "is_company": True})

    def _approve_all(self, request):
        request.with_user(self.salesman).action_submit()
        for user in (self.sales_boss, self.credit_manager, self.director):
            if request.state != "to_approve":
                break
            if request.with_user(user).can_review:
                self.review(request, user)
        self.assertEqual(request.state, "approved")
