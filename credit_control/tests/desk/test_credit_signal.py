from lxml import etree

from odoo.tests import Form, tagged
from odoo.tools.misc import formatLang

from ..common import CreditControlCommon
from ..dunning.test_dunning import DunningCommon


class SignalMixin:
    def signal(self, record, user=None):
        """What the form shows: (state, reasons), read as ``user`` (the salesperson by default)."""
        self.env.invalidate_all()
        record = record.with_user(user or self.salesman)
        return record.credit_signal_state, record.credit_signal_reasons

    def assert_same_words_as_hold(self, order):
        """The quotation's signal before confirmation is the hold's reasons after it, word for word."""
        state, reasons = self.signal(order)
        self.assertEqual(state, "blocked")
        self.confirm_as(self.salesman, order)
        hold = order.credit_hold_ids
        self.assertEqual(order.state, "draft")
        self.assertEqual(reasons, hold.reason_summary)
        self.assertEqual(self.signal(order), ("blocked", hold.reason_summary), "a held order shows its hold")
        return hold

    def money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.company.currency_id)


@tagged("post_install", "-at_install", "credit_control")
class TestCreditSignal(SignalMixin, CreditControlCommon):
    """One credit signal on the customer form and the quotation, in the words of a hold."""

    def test_ok_customer_and_quotation(self):
        self.create_invoice(self.customer, 400.0)
        self.assertEqual(self.signal(self.customer), ("ok", False))
        self.assertEqual(self.signal(self.customer_contact), ("ok", False), "a contact shows its company's")
        order = self.create_order(self.customer, 500.0)
        self.assertEqual(self.signal(order), ("ok", False))
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.signal(order), (False, False), "a confirmed order has no signal")

    def test_no_signal_where_orders_are_not_checked(self):
        self.company.credit_hold_enabled = False
        self.customer.write({"credit_blacklisted": True, "credit_blacklist_reason": "Fraud"})
        self.assertEqual(self.signal(self.customer), (False, False))
        self.assertEqual(self.signal(self.create_order(self.customer, 10.0)), (False, False))

    def test_blacklisted(self):
        self.customer.write({"credit_blacklisted": True, "credit_blacklist_reason": "Fraud"})
        self.assertEqual(self.signal(self.customer), ("blocked", "Acme Retail is blacklisted: Fraud"))
        hold = self.assert_same_words_as_hold(self.create_order(self.customer, 10.0))
        self.assertEqual(hold.reason_summary, "Acme Retail is blacklisted: Fraud")

    def test_manual_hold(self):
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Audit in progress"})
        self.assertEqual(self.signal(self.customer), ("blocked", "Acme Retail is on credit hold: Audit in progress"))
        self.assertEqual(
            self.signal(self.customer_contact), ("blocked", "Acme Retail is on credit hold: Audit in progress")
        )
        self.assert_same_words_as_hold(self.create_order(self.customer, 10.0))

    def test_over_limit(self):
        self.create_invoice(self.customer, 700.0)
        self.assertEqual(self.signal(self.customer), ("ok", False), "300 left")
        order = self.create_order(self.customer, 450.0)
        expected = "Exposure %s plus this order %s exceeds the credit limit %s by %s." % (
            self.money(700.0),
            self.money(450.0),
            self.money(1000.0),
            self.money(150.0),
        )
        self.assertEqual(self.signal(order), ("blocked", expected))
        self.assert_same_words_as_hold(order)
        self.create_invoice(self.customer, 300.0)
        self.assertEqual(
            self.signal(self.customer),
            (
                "blocked",
                "Exposure %s leaves no credit under the credit limit %s." % (self.money(1000.0), self.money(1000.0)),
            ),
        )

    def test_quotation_edited_in_the_form_is_judged_with_its_new_amount(self):
        self.create_invoice(self.customer, 700.0)
        order = self.create_order(self.customer, 100.0)
        with Form(order.with_user(self.salesman)) as form:
            self.assertEqual(form.credit_signal_state, "ok")
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 5.0
            self.assertEqual(form.credit_signal_state, "blocked")
            self.assertIn("plus this order %s exceeds" % self.money(500.0), form.credit_signal_reasons)

    def test_warn_only_rule_is_a_warning(self):
        self.env["credit.rule.setting"].create({"company_id": self.company.id, "rule": "credit_limit", "mode": "warn"})
        self.create_invoice(self.customer, 1200.0)
        state, reasons = self.signal(self.customer)
        self.assertEqual(state, "warning")
        self.assertEqual(
            reasons,
            "Warning: Exposure %s leaves no credit under the credit limit %s."
            % (self.money(1200.0), self.money(1000.0)),
        )
        order = self.create_order(self.customer, 100.0)
        state, reasons = self.signal(order)
        self.assertEqual(state, "warning")
        self.assertTrue(reasons.startswith("Warning: Exposure %s plus this order" % self.money(1200.0)))
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale", "warn only: the order passes")

    def test_several_causes_are_all_said(self):
        self.customer.write(
            {
                "credit_blacklisted": True,
                "credit_blacklist_reason": "Fraud",
                "credit_hold": True,
                "credit_hold_reason": "Audit",
            }
        )
        self.assertEqual(
            self.signal(self.customer),
            ("blocked", "Acme Retail is blacklisted: Fraud\nAcme Retail is on credit hold: Audit"),
        )

    def test_registry_status(self):
        self.company.sudo().credit_registry_hold = True
        self.customer.sudo().credit_registry_status = "insolvency_liquidation"
        state, reasons = self.signal(self.customer)
        self.assertEqual(state, "blocked")
        self.assertIn("Registry reports Acme Retail as Insolvency or liquidation", reasons)
        self.assert_same_words_as_hold(self.create_order(self.customer, 10.0))

    def test_grade_policy(self):
        scorecard = self.env["credit.scorecard"]._get_default(self.company)
        scorecard.grade_ids.filtered(lambda grade: grade.name == "B").policy = "prepayment"
        self.env["credit.score"]._run_scoring(self.company, partners=self.customer, today=self.today)
        self.assertEqual(
            self.signal(self.customer), ("blocked", "Acme Retail is graded B (score 62.5): prepayment only.")
        )
        self.assert_same_words_as_hold(self.create_order(self.customer, 10.0))

    def test_signal_of_many_customers_costs_the_queries_of_one(self):
        customers = self.env["res.partner"].create(
            [{"name": "Customer %s" % index, "is_company": True, "credit_limit": 100.0} for index in range(6)]
        )
        for customer in customers[:3]:
            self.create_invoice(customer, 150.0)

        def queries(partners):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partners.mapped("credit_signal_state")
            return self.env.cr.sql_log_count - before

        queries(customers[:1])  # warm the caches of the registry and the rule settings
        self.assertEqual(queries(customers), queries(customers[:1]))
        self.assertEqual(customers.mapped("credit_signal_state"), ["blocked"] * 3 + ["ok"] * 3)

    def test_lists_do_not_compute_the_signal(self):
        for view in ("credit_control.view_partner_list_credit", "base.view_partner_tree"):
            arch = self.env["res.partner"].get_views([(self.env.ref(view).id, "list")])["views"]["list"]["arch"]
            self.assertNotIn("credit_signal", arch)
        arch = self.env["sale.order"].get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertNotIn("credit_signal", arch)


@tagged("post_install", "-at_install", "credit_control")
class TestCreditSignalDunning(SignalMixin, DunningCommon):
    def test_dunning_hold(self):
        self.company.credit_overdue_check = False
        self.invoice_due(self.customer, 300.0, -20)
        self.invoice_due(self.customer, 200.0, -30)
        self.run_schedule(-23, -15, 0)
        self.assertEqual(self.signal(self.customer)[0], "blocked")
        self.assertIn("received the dunning level Final notice", self.signal(self.customer)[1])
        self.assert_same_words_as_hold(self.create_order(self.customer, 10.0))


@tagged("post_install", "-at_install", "credit_control")
class TestCreditSignalViews(CreditControlCommon):
    """One signal per screen; grades as coloured badges in the lists."""

    def arch(self, model, view_type, view=None):
        view_id = self.env.ref(view).id if view else False
        return etree.fromstring(self.env[model].get_views([(view_id, view_type)])["views"][view_type]["arch"])

    def test_one_signal_on_order_and_customer_forms(self):
        order_form = self.arch("sale.order", "form")
        self.assertFalse(order_form.xpath("//widget[@name='web_ribbon'][@title='Credit Hold']"), "no second signal")
        signals = order_form.xpath("//div[contains(@class, 'o_credit_signal')]")
        self.assertEqual(len(signals), 4, "held, would be held, warning, ok: one shows at a time")
        self.assertEqual(
            order_form.xpath("//div[field[@name='partner_credit_warning']]")[0].get("invisible"),
            "not partner_credit_warning or credit_signal_state",
            "Odoo's own credit warning where the company checks no order",
        )
        partner_form = self.arch("res.partner", "form")
        self.assertEqual(len(partner_form.xpath("//div[contains(@class, 'o_credit_signal')]")), 3)

    def test_grade_badges(self):
        for model, view, field in (
            ("res.partner", "credit_control.view_partner_list_credit", "credit_grade"),
            ("credit.score", "credit_control.view_credit_score_list", "grade"),
            ("credit.hold", "credit_control.credit_hold_view_list", "partner_grade"),
        ):
            node = self.arch(model, "list", view).xpath("//field[@name='%s']" % field)[0]
            self.assertEqual(node.get("widget"), "badge", model)
            self.assertEqual(node.get("decoration-success"), "%s == 'A'" % field)
            self.assertEqual(node.get("decoration-info"), "%s == 'B'" % field)
            self.assertEqual(node.get("decoration-warning"), "%s == 'C'" % field)
            self.assertEqual(node.get("decoration-danger"), "%s not in ('A', 'B', 'C')" % field)

    def test_hold_status_is_a_badge_and_the_dialog_asks_the_reason_only(self):
        hold_form = self.arch("credit.hold", "form")
        self.assertFalse(hold_form.xpath("//field[@widget='statusbar']"), "no linear path")
        self.assertEqual(hold_form.xpath("//field[@name='state']")[0].get("widget"), "badge")
        dialog = self.arch("credit.hold.decision", "form")
        self.assertEqual(dialog.xpath("//field[@name='decision']")[0].get("invisible"), "1")
