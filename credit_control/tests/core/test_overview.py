from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from ...lib.overview import last_month_ends
from ..common import CreditControlCommon


class OverviewCommon(CreditControlCommon):
    """Two customers of two salespeople with overdue invoices, held orders, alerts, scores,
    a promise due and month-end snapshots: every card of the overview has something to count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env,
            login="other_salesman",
            name="Olga Other",
            groups="base.group_user,base.group_partner_manager,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer.user_id = cls.salesman
        cls.bolt = cls.env["res.partner"].create(
            {"name": "Bolt Trading", "is_company": True, "credit_limit": 500.0, "user_id": cls.other_salesman.id}
        )
        # Acme: 600 overdue for 30 days, 300 not due; exposure 900 of a 1,000 limit: near it
        cls.acme_overdue = cls._invoice(cls.customer, 600.0, cls.salesman, days_ago=60)
        cls.acme_current = cls._invoice(cls.customer, 300.0, cls.salesman, days_ago=0)
        # Bolt: 800 overdue of a 500 limit: over it
        cls.bolt_overdue = cls._invoice(cls.bolt, 800.0, cls.other_salesman, days_ago=45)
        # an order of each salesperson waits on credit hold
        cls.acme_order = cls.create_order(cls.customer, 450.0, user=cls.salesman)
        cls.acme_order.name = "SO-OVW-001"
        cls.acme_order.with_user(cls.salesman).action_confirm()
        cls.bolt_order = cls.create_order(cls.bolt, 250.0, user=cls.other_salesman)
        cls.bolt_order.with_user(cls.other_salesman).action_confirm()
        alert_type = cls.env["credit.alert"]._get_alert_types()[0][0]
        cls.alerts = cls.env["credit.alert"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "company_id": cls.company.id,
                    "alert_type": alert_type,
                    "event_key": "overview-acme",
                    "user_id": cls.salesman.id,
                },
                {
                    "partner_id": cls.bolt.id,
                    "company_id": cls.company.id,
                    "alert_type": alert_type,
                    "event_key": "overview-bolt",
                    "user_id": cls.other_salesman.id,
                },
            ]
        )

    @classmethod
    def _invoice(cls, partner, amount, user, days_ago):
        move = cls.create_invoice(partner, amount, days_ago=days_ago, due_in=30, post=False)
        move.invoice_user_id = user
        move.action_post()
        return move

    def overview(self, user, scope=None):
        data = self.env["credit.overview"].with_user(user).get_overview_data(scope=scope)
        return data, {card["key"]: card for card in data["cards"]}

    def assertFigureIsItsList(self, user, figure, action, measure, value_type, what):
        """The figure is the count, or the sum of ``measure``, of the records its action lists."""
        model = self.env[action["res_model"]].with_user(user)
        if value_type in ("monetary",) and measure:
            [(total,)] = model._read_group(action["domain"], [], ["%s:sum" % measure])
            self.assertAlmostEqual(figure, total or 0.0, places=2, msg=what)
        elif value_type == "integer":
            self.assertEqual(figure, model.search_count(action["domain"]), what)

    def assertCardsAreTheirLists(self, user, cards):
        for key, card in cards.items():
            action = card["action"]
            self.assertEqual(action["type"], "ir.actions.act_window", key)
            self.assertEqual(action["views"][0][1], "list", "%s opens a list" % key)
            model = self.env[action["res_model"]].with_user(user)
            self.assertEqual(model.search_count(action["domain"]), card["count"], "%s: count" % key)
            self.assertFigureIsItsList(user, card["value"], action, card["measure"], card["value_type"], key)
            for line in card["details"] + card["items"]:
                if line.get("action"):
                    self.assertFigureIsItsList(
                        user, line["value"], line["action"], card["measure"], line["value_type"], line["label"]
                    )


@tagged("post_install", "-at_install", "credit_control")
class TestCreditOverview(OverviewCommon):
    def test_credit_manager_figures(self):
        data, cards = self.overview(self.credit_manager)
        self.assertEqual(data["scope"], "all")
        self.assertEqual(data["company"]["currency_id"], self.company.currency_id.id)
        holds = cards["holds_pending"]
        self.assertEqual(holds["count"], 2)
        self.assertAlmostEqual(holds["value"], 700.0)
        self.assertEqual(holds["details"][1]["value"], 0, "held today: the oldest is 0 days old")
        self.assertAlmostEqual(cards["receivables"]["value"], 1700.0)
        self.assertEqual(cards["receivables"]["count"], 3)
        self.assertAlmostEqual(cards["overdue"]["value"], 1400.0)
        self.assertAlmostEqual(cards["overdue"]["details"][0]["value"], 0.8235)
        debtors = cards["top_debtors"]["items"]
        self.assertEqual([item["label"] for item in debtors], ["Bolt Trading", "Acme Retail"])
        self.assertEqual([item["value"] for item in debtors], [800.0, 600.0])
        limits = cards["limits"]
        self.assertEqual(limits["count"], 2)
        over, near = limits["details"]
        self.assertEqual(over["value"], 1)
        self.assertEqual(over["action"]["domain"], [("id", "in", self.bolt.ids)])
        self.assertEqual(near["action"]["domain"], [("id", "in", self.customer.ids)])
        self.assertEqual(cards["alerts"]["value"], 2)
        self.assertCardsAreTheirLists(self.credit_manager, cards)

    def test_cards_are_in_order_and_list_the_features(self):
        data, cards = self.overview(self.credit_manager)
        sequences = [card["sequence"] for card in data["cards"]]
        self.assertEqual(sequences, sorted(sequences))
        for key in ("holds_pending", "receivables", "overdue", "limits", "alerts", "top_debtors"):
            self.assertIn(key, cards)
        for key in ("dso", "grades", "reminders_due", "promises_due", "collection_tasks", "limit_requests"):
            self.assertIn(key, cards, "the features add their cards through _get_overview_cards")

    def test_salesperson_sees_only_his_customers(self):
        data, cards = self.overview(self.salesman)
        self.assertEqual(data["scope"], "mine")
        self.assertFalse(data["can_see_all"])
        self.assertEqual(cards["holds_pending"]["count"], 1)
        self.assertAlmostEqual(cards["holds_pending"]["value"], 450.0)
        self.assertAlmostEqual(cards["receivables"]["value"], 900.0)
        self.assertAlmostEqual(cards["overdue"]["value"], 600.0)
        self.assertEqual([item["label"] for item in cards["top_debtors"]["items"]], ["Acme Retail"])
        self.assertEqual(cards["alerts"]["value"], 1)
        for key in ("limits", "dso", "reminders_due", "promises_due"):
            self.assertNotIn(key, cards, "%s is for credit users" % key)
        self.assertCardsAreTheirLists(self.salesman, cards)
        # asking for the whole company changes nothing for him
        _data, cards_all = self.overview(self.salesman, scope="all")
        self.assertEqual(cards_all["holds_pending"]["count"], 1)

    def test_credit_manager_may_look_at_his_own_customers(self):
        self.customer.user_id = self.credit_manager
        self.acme_overdue.invoice_user_id = self.credit_manager
        data, cards = self.overview(self.credit_manager, scope="mine")
        self.assertEqual(data["scope"], "mine")
        self.assertAlmostEqual(cards["overdue"]["value"], 600.0)
        self.assertEqual(cards["holds_pending"]["count"], 0, "the held orders are his salespeople's")
        self.assertCardsAreTheirLists(self.credit_manager, cards)

    def test_released_hold_leaves_the_card(self):
        hold = self.acme_order.credit_hold_ids
        hold.with_user(self.credit_manager)._release("Paid in advance")
        _data, cards = self.overview(self.credit_manager)
        self.assertEqual(cards["holds_pending"]["count"], 1)
        self.assertAlmostEqual(cards["holds_pending"]["value"], 250.0)

    def test_other_company_figures_stay_out(self):
        other = self.setup_other_company()["company"]
        self.create_invoice(self.customer, 5000.0, days_ago=90, company=other)
        self.credit_manager.company_ids = [Command.link(other.id)]
        _data, cards = self.overview(self.credit_manager)
        self.assertAlmostEqual(cards["receivables"]["value"], 1700.0)
        data = self.env["credit.overview"].with_user(self.credit_manager).with_company(other).get_overview_data()
        cards = {card["key"]: card for card in data["cards"]}
        self.assertEqual(data["company"]["currency_id"], other.currency_id.id)
        self.assertAlmostEqual(cards["receivables"]["value"], 5000.0)
        self.assertEqual(cards["holds_pending"]["count"], 0)

    def test_feature_cards_against_fixtures(self):
        month_ends = last_month_ends(self.today)
        snapshots = self.env["credit.aging.snapshot"]
        for day, total, sales in ((month_ends[-2], 600.0, 1200.0), (month_ends[-1], 900.0, 2700.0)):
            snapshots |= snapshots.create(
                [
                    {
                        "snapshot_date": day,
                        "company_id": self.company.id,
                        "partner_id": self.customer.id,
                        "amount_total": total * 2 / 3,
                        "credit_sales": sales / 2,
                    },
                    {
                        "snapshot_date": day,
                        "company_id": self.company.id,
                        "partner_id": self.bolt.id,
                        "amount_total": total / 3,
                        "credit_sales": sales / 2,
                    },
                ]
            )
        scores = self.env["credit.score"].sudo()
        for partner, grade in ((self.customer, "A"), (self.bolt, "C")):
            scores.create({"partner_id": partner.id, "company_id": self.company.id, "date": self.today, "grade": grade})
        self.env["credit.promise"].create(
            {
                "partner_id": self.bolt.id,
                "move_id": self.bolt_overdue.id,
                "date": self.today,
                "amount": 300.0,
            }
        )
        self.env["credit.collection.task"]._refresh(self.company)
        _data, cards = self.overview(self.credit_manager)
        self.assertEqual(cards["collection_tasks"]["count"], 2, "one task per customer with overdue items")
        dso = cards["dso"]
        self.assertEqual(dso["value"], 30.0, "900 open over 2,700 of 90 days' sales")
        self.assertEqual(dso["chart"]["values"][-2:], [45.0, 30.0])
        self.assertEqual(dso["chart"]["values"][:-2], [None] * 10, "no snapshot, no point")
        self.assertEqual(len(dso["chart"]["labels"]), 12)
        self.assertEqual(dso["count"], 2)
        self.assertEqual(dso["snapshot_date"], fields.Date.to_string(month_ends[-1]))
        [(total,)] = snapshots._read_group(dso["action"]["domain"], [], ["amount_total:sum"])
        self.assertAlmostEqual(total, 900.0)
        grades = cards["grades"]
        self.assertEqual([(item["label"], item["value"]) for item in grades["items"]], [("A", 1), ("C", 1)])
        self.assertAlmostEqual(cards["promises_due"]["value"], 300.0)
        self.assertEqual(cards["promises_due"]["count"], 1)
        self.assertCardsAreTheirLists(self.credit_manager, cards)
        _data, mine = self.overview(self.salesman)
        self.assertEqual([(item["label"], item["value"]) for item in mine["grades"]["items"]], [("A", 1)])
        self.assertCardsAreTheirLists(self.salesman, mine)


@tagged("post_install", "-at_install", "credit_control")
class TestCreditHomeAction(CreditControlCommon):
    """Credit users land on the overview when they have no home action of their own."""

    def test_credit_users_land_on_the_overview(self):
        overview = self.env.ref("credit_control.action_credit_overview")
        self.assertEqual(self.credit_manager.action_id.id, overview.id)
        user = new_test_user(self.env, login="credit_clerk", groups="base.group_user,credit_control.group_credit_user")
        self.assertEqual(user.action_id.id, overview.id)

    def test_salespeople_keep_odoo_home(self):
        self.assertFalse(self.salesman.action_id)

    def test_joining_a_credit_group_sets_the_home_once(self):
        overview = self.env.ref("credit_control.action_credit_overview")
        self.salesman.groups_id = [Command.link(self.env.ref("credit_control.group_credit_user").id)]
        self.assertEqual(self.salesman.action_id.id, overview.id)
        other = new_test_user(self.env, login="own_home", groups="base.group_user")
        own_home = self.env.ref("credit_control.action_credit_hold")
        other.action_id = own_home.id
        self.env.ref("credit_control.group_credit_manager").users = [Command.link(other.id)]
        self.assertEqual(other.action_id.id, own_home.id, "a home action of his own is kept")
        third = new_test_user(self.env, login="through_group", groups="base.group_user")
        self.env.ref("credit_control.group_credit_manager").users = [Command.link(third.id)]
        self.assertEqual(third.action_id.id, overview.id)

    def test_other_group_changes_leave_the_home_alone(self):
        """Odoo's own writes of groups (other apps' data and settings) never give the overview to
        a user who was a credit user already, nor to anyone while modules install."""
        clerk = new_test_user(self.env, login="clerk_two", groups="base.group_user,credit_control.group_credit_user")
        clerk.action_id = False
        clerk.groups_id = [Command.link(self.env.ref("sales_team.group_sale_salesman").id)]
        self.assertFalse(clerk.action_id, "a credit user already: left as it is")
        self.env.ref("sales_team.group_sale_manager").users = [Command.link(clerk.id)]
        self.assertFalse(clerk.action_id)
        newcomer = new_test_user(self.env, login="newcomer", groups="base.group_user")
        credit_users = self.env.ref("credit_control.group_credit_user")
        newcomer.with_context(install_module="stock").groups_id = [Command.link(credit_users.id)]
        self.assertIn(credit_users, newcomer.groups_id)
        self.assertFalse(newcomer.action_id, "module data loading leaves existing users as they are")
