from odoo import Command
from odoo.tests import new_test_user

from ..common import CreditControlCommon


class CreditDecisionsCommon(CreditControlCommon):
    """The default tiers with one reviewer each: a sales manager, the credit manager and a
    general manager; the salesperson requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_boss = new_test_user(
            cls.env,
            login="sales_boss",
            name="Sally Boss",
            groups="base.group_user,sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.director = new_test_user(
            cls.env,
            login="director",
            name="Dora Director",
            groups="base.group_user,credit_control.group_credit_director",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.Request = cls.env["credit.limit.request"]

    def new_request(self, kind="increase", user=None, partner=None, **values):
        vals = {"partner_id": (partner or self.customer).id, "kind": kind, "justification": "Good payer"}
        vals.update(values)
        return self.Request.with_user(user or self.salesman).create(vals)

    def review(self, request, user, approve=True, comment="Checked"):
        """Click Approve (or Reject) as ``user`` and write the comment the tier asks for."""
        request = request.with_user(user)
        action = request.validate_tier() if approve else request.reject_tier()
        if action:
            wizard = (
                self.env["comment.wizard"]
                .with_user(user)
                .with_context(**action["context"])
                .create({"comment": comment})
            )
            wizard.add_comment()
        request.invalidate_recordset()
        return request

    def flush_tracking(self):
        """Tracking values are written by a precommit hook, as at the end of a request."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def tier_names(self, request):
        return request.review_ids.sorted("sequence").mapped("name")

    def statuses(self, request):
        return request.review_ids.sorted("sequence").mapped("status")

    def held_order(self, owed=700.0, amount=450.0):
        """The customer (limit 1,000) owes ``owed``; an order of ``amount`` is held."""
        self.create_invoice(self.customer, owed)
        order = self.create_order(self.customer, amount)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.credit_hold_state, "pending")
        return order
