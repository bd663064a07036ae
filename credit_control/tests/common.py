from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditControlCommon(AccountTestInvoicingCommon):
    """A company with credit holds on, a credit manager, a salesperson and a customer
    with a 1,000 limit; amounts without taxes unless a test adds them."""

    @classmethod
    def default_env_context(cls):
        # messages, tracking and activities are what the users see: keep them on
        return {}

    @classmethod
    def get_default_groups(cls):
        # the test's own user administers credit, as a credit manager would
        return (
            super().get_default_groups()
            | cls.env.ref("credit_control.group_credit_manager")
            | cls.env.ref("sales_team.group_sale_manager")
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "credit_hold_enabled": True,
                "credit_overdue_check": True,
                "credit_overdue_tolerance_days": 0,
                "credit_overdue_tolerance_amount": 0.0,
                "credit_no_limit_policy": "unlimited",
            }
        )
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.credit_manager = new_test_user(
            cls.env,
            login="credit_manager",
            name="Carla Credit",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,credit_control.group_credit_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.salesman = new_test_user(
            cls.env,
            login="salesman",
            name="Sam Sales",
            groups="base.group_user,base.group_partner_manager,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Acme Retail",
                "is_company": True,
                "credit_limit": 1000.0,
            }
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {
                "name": "Alice Buyer",
                "parent_id": cls.customer.id,
            }
        )
        cls.product = cls._create_product(name="Widget", lst_price=100.0, taxes_id=[Command.clear()])

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------

    @classmethod
    def product_at(cls, price):
        """A product whose list price is ``price``: Odoo reprices lines when quantities change."""
        name = "Item at %s" % price
        return cls.env["product.product"].search([("name", "=", name)], limit=1) or cls._create_product(
            name=name,
            lst_price=price,
            taxes_id=[Command.clear()],
        )

    @classmethod
    def create_order(cls, partner, price, qty=1.0, user=None, currency=None, taxes=None, company=None):
        company = company or cls.company
        vals = {
            "partner_id": partner.id,
            "user_id": (user or cls.salesman).id,
            "company_id": company.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": cls.product_at(price).id,
                        "product_uom_qty": qty,
                        "price_unit": price,
                        "tax_id": [Command.set(taxes.ids if taxes else [])],
                    }
                )
            ],
        }
        if currency:
            pricelist = cls.env["product.pricelist"].create(
                {
                    "name": "Pricelist %s" % currency.name,
                    "currency_id": currency.id,
                    "company_id": company.id,
                }
            )
            vals["pricelist_id"] = pricelist.id
        return cls.env["sale.order"].with_company(company).create(vals)

    @classmethod
    def create_invoice(
        cls, partner, amount, days_ago=0, due_in=30, post=True, move_type="out_invoice", currency=None, company=None
    ):
        company = company or cls.company
        invoice_date = cls.today - timedelta(days=days_ago)
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": invoice_date + timedelta(days=due_in),
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Goods",
                                "quantity": 1.0,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def pay(cls, invoice, amount, payment_date=None):
        """Register a payment of ``amount`` (invoice currency) on ``invoice``, today or on ``payment_date``."""
        return (
            cls.env["account.payment.register"]
            .with_context(
                active_model="account.move",
                active_ids=invoice.ids,
            )
            .create({"amount": amount, "payment_date": payment_date or cls.today})
            .action_create_payments()
        )

    @contextmanager
    def assertRaisesText(self, exception, text):
        """assertRaises (which rolls the failed change back, as a request would) plus its message."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))

    def figures_of(self, partner):
        """The partner as a user opening it sees it: figures are read afresh each request."""
        partner.invalidate_recordset()
        return partner

    def confirm_as(self, user, order):
        """Click Confirm as ``user``; returns the action the web client gets."""
        return order.with_user(user).action_confirm()
