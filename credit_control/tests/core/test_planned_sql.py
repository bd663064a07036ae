from datetime import date

from odoo.tests import BaseCase, tagged
from odoo.tools import SQL

from ... import uninstall_hook
from ...lib.planned_sql import (
    FUNCTION_PREFIX,
    function_call,
    function_definition,
    function_name,
    numbered_placeholders,
)
from ..common import CreditControlCommon


@tagged("post_install", "-at_install", "credit_control")
class TestPlannedSqlLib(BaseCase):
    """The text of a statement's function and of its call."""

    def test_placeholders_are_numbered_and_percent_signs_kept(self):
        body, count = numbered_placeholders("SELECT id FROM t WHERE name LIKE 'a%%' AND id = ANY(%s) AND c = %s")
        self.assertEqual(body, "SELECT id FROM t WHERE name LIKE 'a%' AND id = ANY($1) AND c = $2")
        self.assertEqual(count, 2)
        self.assertEqual(numbered_placeholders("SELECT 1"), ("SELECT 1", 0))
        with self.assertRaises(ValueError):
            numbered_placeholders("SELECT %(name)s")

    def test_name_changes_with_the_statement_and_its_types(self):
        name = function_name("SELECT $1", ["integer"], ["integer"])
        self.assertTrue(name.startswith(FUNCTION_PREFIX))
        self.assertLessEqual(len(name), 63, "PostgreSQL's longest name")
        self.assertEqual(name, function_name("SELECT $1", ["integer"], ["integer"]))
        self.assertNotEqual(name, function_name("SELECT $1 ", ["integer"], ["integer"]))
        self.assertNotEqual(name, function_name("SELECT $1", ["bigint"], ["integer"]))
        self.assertNotEqual(name, function_name("SELECT $1", ["integer"], ["bigint"]))

    def test_definition_returns_the_rows_with_a_generic_plan(self):
        ddl = function_definition(
            "f", "SELECT id, name FROM t WHERE id = ANY($1);\n", ["integer[]"], ["integer", "text"]
        )
        self.assertIn('CREATE OR REPLACE FUNCTION "f"(integer[]) RETURNS TABLE (credit_control_1 integer, ', ddl)
        self.assertIn("credit_control_2 text)", ddl)
        self.assertIn("SET plan_cache_mode = force_generic_plan", ddl)
        self.assertIn("RETURN QUERY SELECT id, name FROM t WHERE id = ANY($1)\n;\nEND", ddl)
        self.assertIn("#variable_conflict use_column", ddl)

    def test_definition_refuses_what_it_cannot_plan(self):
        with self.assertRaises(ValueError):
            function_definition("f", "SELECT $1", ["unknown"], ["text"])
        with self.assertRaises(ValueError):
            function_definition("f", "SELECT 1", [], [])
        with self.assertRaises(ValueError):
            function_definition("f", "SELECT '$credit_control$'", [], ["text"])

    def test_call(self):
        self.assertEqual(function_call("f", 3), 'SELECT * FROM "f"(%s, %s, %s)')
        self.assertEqual(function_call("f", 0), 'SELECT * FROM "f"()')


@tagged("post_install", "-at_install", "credit_control")
class TestPlannedStatements(CreditControlCommon):
    """The confirmation's statements run through functions whose plans PostgreSQL keeps."""

    def planned(self):
        return self.env.registry.__dict__.setdefault("_credit_planned_functions", {})

    def run_planned(self, query):
        self.env["credit.exposure"]._execute_planned(query)
        return self.env.cr.fetchall()

    def test_statement_becomes_a_function_giving_the_same_rows(self):
        partners = self.customer | self.customer_contact
        query = SQL(
            "SELECT id, name, %s::date FROM res_partner WHERE id = ANY(%s) AND name LIKE %s ORDER BY id",
            "2026-12-02",
            partners.ids,
            "%",
        )
        # a statement of its own in this test (no other test made its function yet)
        query = SQL("%s -- %s", query, SQL(self.id()))
        expected = [(partner.id, partner.name, date(2026, 12, 2)) for partner in partners]
        self.assertEqual(self.run_planned(query), expected, "first call: the statement itself")
        call = self.planned()[query.code]
        self.assertTrue(call.startswith(f'SELECT * FROM "{FUNCTION_PREFIX}'), call)
        self.assertEqual(self.run_planned(query), expected, "later calls: its function")
        name = call.split('"')[1]
        self.env.cr.execute("SELECT pg_get_function_identity_arguments(%s::regproc)", [name])
        self.assertEqual(self.env.cr.fetchone()[0], "date, integer[], text")

    def test_statement_that_cannot_be_a_function_runs_as_it_is(self):
        query = SQL("SELECT '$credit_control$' || %s -- %s", "quoted", SQL(self.id()))
        self.assertEqual(self.run_planned(query), [("$credit_control$quoted",)])
        self.assertIs(self.planned()[query.code], False, "its text would end the function's body")
        self.assertEqual(self.run_planned(query), [("$credit_control$quoted",)])

    def test_confirmation_statements_are_planned(self):
        self.create_invoice(self.customer, 300.0)
        for amount in (100.0, 200.0):
            order = self.create_order(self.customer, amount)
            order.action_confirm()
            self.assertEqual(order.state, "sale")
        figures = self.env["credit.exposure"]._get_figures(self.customer, self.company, lock=True)
        self.assertEqual(figures[self.customer.id].receivable, 300.0)
        self.assertEqual(figures[self.customer.id].orders_to_invoice, 300.0)
        calls = [call for call in self.planned().values() if call]
        self.assertTrue(calls, "the figure and fact statements have their functions")
        # to_regproc reads the latest catalogue, not this test's snapshot (older than the functions)
        self.env.cr.execute(
            "SELECT count(*) FROM unnest(%s::text[]) AS name WHERE to_regproc(name) IS NOT NULL",
            [[call.split('"')[1] for call in calls]],
        )
        self.assertEqual(self.env.cr.fetchone()[0], len(calls))

    def test_uninstall_drops_the_functions_and_the_lock_table(self):
        self.env.cr.execute(function_definition(f"{FUNCTION_PREFIX}uninstall_test", "SELECT 1\n", [], ["integer"]))
        self.env.cr.execute("SELECT DISTINCT proname FROM pg_proc WHERE proname LIKE 'credit\\_control\\_q\\_%'")
        names = [row[0] for row in self.env.cr.fetchall()]
        self.assertIn(f"{FUNCTION_PREFIX}uninstall_test", names)
        # to_regproc reads the latest catalogue (with this transaction's changes), not this test's snapshot
        exist = "SELECT count(*) FROM unnest(%s::text[]) AS name WHERE to_regproc(name) IS NOT NULL"
        with self.env.cr.savepoint(flush=False) as savepoint:
            uninstall_hook(self.env)
            self.env.cr.execute(exist, [names])
            self.assertEqual(self.env.cr.fetchone()[0], 0, "every function of the planned statements is dropped")
            self.env.cr.execute("SELECT to_regclass('credit_control_partner_lock')")
            self.assertIsNone(self.env.cr.fetchone()[0])
            savepoint.rollback()
        self.env.cr.execute(exist, [names])
        self.assertEqual(self.env.cr.fetchone()[0], len(names), "rolled back with the uninstall")
