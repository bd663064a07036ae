import logging
from collections import defaultdict
from contextlib import closing

import psycopg2

from odoo import api, fields, models, sql_db
from odoo.tools import SQL, create_index

from ...lib.column_values import JSON_COLUMN_TYPES, column_value
from ...lib.limits import CreditFigures, net_overdue, overdue_cutoff
from ...lib.planned_sql import function_call, function_definition, function_name, numbered_placeholders
from ...tools import ormcache

_logger = logging.getLogger(__name__)

# The open receivable of an item is its residual in company currency; an item is open
# while it is posted and not fully reconciled. These fragments are shared by the figure
# query and the drill-down so that both always speak of the same lines.
_ORDER_LINE_OPEN_AMOUNT = SQL(
    """sol.price_total * (sol.product_uom_qty - sol.qty_invoiced) / sol.product_uom_qty
       / COALESCE(NULLIF(so.currency_rate, 0), 1)"""
)
_ORDER_LINE_IS_OPEN = SQL(
    """sol.display_type IS NULL
       AND sol.is_downpayment IS NOT TRUE
       AND sol.product_uom_qty > 0
       AND sol.qty_invoiced < sol.product_uom_qty"""
)


# The kind of the figure statement's rows that carry the customers' own fields.
PARTNER_ROWS = "partner"

# The models whose tables the credit queries read: pending ORM writes on them are flushed first.
FIGURE_MODELS = (
    "res.partner",
    "account.move",
    "account.move.line",
    "account.partial.reconcile",
    "sale.order",
    "sale.order.line",
)


def _id_filter(column, ids):
    """``column = ANY(ids)``, or every partner when ``ids`` is None."""
    return SQL("%s IS NOT NULL", column) if ids is None else SQL("%s = ANY(%s)", column, list(ids))


class CreditExposure(models.AbstractModel):
    """The few SQL queries behind every credit figure, for many partners at once.

    Every method takes a whole set of commercial partners (or orders) and runs a fixed
    number of queries, whatever the size of the set: the confirmation path, the partner
    list and the later batch jobs all read the figures from here.
    """

    _name = "credit.exposure"
    _description = "Credit Exposure Figures"

    def init(self):
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS credit_control_partner_lock (
                partner_id integer PRIMARY KEY REFERENCES res_partner (id) ON DELETE CASCADE,
                locked_at timestamp without time zone
            )
            """
        )
        # Open receivable items are found through Odoo's own partial index
        # account_move_line__unreconciled_index (account_id, partner_id): the figure query
        # gives the receivable accounts and the partners' own ids (see bench/README.md).
        create_index(
            self.env.cr,
            "credit_control_move_draft_partner_idx",
            "account_move",
            ["commercial_partner_id", "company_id"],
            where="state = 'draft'",
        )
        create_index(
            self.env.cr,
            "credit_control_so_confirmed_invoice_partner_idx",
            "sale_order",
            ["partner_invoice_id", "company_id"],
            where="state = 'sale'",
        )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    @api.model
    def _flush_figure_models(self):
        """Write the pending ORM changes the credit queries read (not the whole environment).

        Only the models with pending changes are flushed: ``flush_model()`` of a model without
        any still visits each of its fields (hundreds on these six), on every confirmation."""
        env = self.env
        pending = {field.model_name for field, ids in env.transaction.tocompute.items() if ids}
        pending.update(field.model_name for field in env.cache.get_dirty_fields())
        for model_name in pending.intersection(FIGURE_MODELS):
            env[model_name].flush_model()

    @api.model
    def _get_figures(self, partners, company, exclude_orders=None, today=None, exclude_moves=None, lock=False):
        """Return {commercial partner id: CreditFigures} for ``partners`` in ``company``.

        ``partners`` None means every customer with a figure in the company (batch jobs,
        the whole customer list): the same queries without a list of ids to filter on.
        ``exclude_orders`` are left out of the confirmed orders figure, ``exclude_moves`` out
        of the draft invoices figure: the documents being checked are added by the caller
        with their own amount. ``lock``: the partners are locked (``_lock_partners_sql``) by the same
        statement, one round trip less on every confirmation.
        """
        return self._get_figures_and_facts(partners, company, exclude_orders, today, exclude_moves, lock)[0]

    @api.model
    def _get_figures_and_facts(
        self,
        partners,
        company,
        exclude_orders=None,
        today=None,
        exclude_moves=None,
        lock=False,
        extra_queries=None,
        partner_fields=(),
    ):
        """``_get_figures``, and the rows of ``extra_queries`` read by the same statement: a
        check's figures and facts in one round trip, for a set of ``partners`` (not None).

        ``extra_queries``: {kind: [SQL] selecting (id, jsonb)}, such as the facts of the rules
        (``credit.rule._get_fact_queries``). ``partner_fields``:
        fields of ``partners`` the same statement reads into the ORM cache, as a fetch in
        ``partners``' environment would (``_partner_fields_sql``). Returns (figures,
        {kind: [(id, jsonb value)]})."""
        extra_rows = {kind: [] for kind in extra_queries or ()}
        extra_queries = {kind: queries for kind, queries in (extra_queries or {}).items() if queries}
        self._flush_figure_models()
        partner_query, cached_fields = self._partner_fields_sql(partners, partner_fields)
        if partner_query:
            extra_queries[PARTNER_ROWS] = [partner_query]
            extra_rows[PARTNER_ROWS] = []
        today = today or fields.Date.context_today(self)
        cutoff = overdue_cutoff(today, company.credit_overdue_tolerance_days)
        exclude_move_ids = exclude_moves.ids if exclude_moves else []
        exclude_order_ids = exclude_orders.ids if exclude_orders else []
        if partners is None:
            figures = defaultdict(CreditFigures)
            rows = self._query_all_figures(company, today, cutoff, exclude_move_ids, exclude_order_ids)
        else:
            partner_ids = sorted(set(partners.commercial_partner_id.ids))
            figures = {partner_id: CreditFigures() for partner_id in partner_ids}
            if not partner_ids:
                return figures, extra_rows
            rows = self._query_figures(
                partner_ids, company, today, cutoff, exclude_move_ids, exclude_order_ids, lock, extra_queries
            )
        oldest_dates = {}
        for kind, commercial_id, amount, overdue, overdue_beyond, oldest, values in rows:
            if kind in extra_rows:
                extra_rows[kind].append((commercial_id, values))
                continue
            figure = figures[commercial_id]
            if kind == "receivable":
                figure.receivable += amount or 0.0
                figure.overdue += overdue or 0.0
                figure.overdue_beyond_tolerance += overdue_beyond or 0.0
                if oldest:
                    oldest_dates.setdefault(commercial_id, []).append(oldest)
            elif kind == "draft":
                figure.draft_invoices = amount or 0.0
            else:
                figure.orders_to_invoice += amount or 0.0
        for partner_id, figure in figures.items():
            # unapplied payments and credit notes of the whole entity net its overdue
            figure.overdue = net_overdue(figure.overdue, figure.receivable)
            figure.overdue_beyond_tolerance = net_overdue(figure.overdue_beyond_tolerance, figure.receivable)
            figure.oldest_overdue_date = min(oldest_dates[partner_id]) if figure.overdue else None
        if partner_query:
            self._cache_partner_rows(partners, cached_fields, extra_rows.pop(PARTNER_ROWS))
        return dict(figures), extra_rows

    @api.model
    def _partner_fields_sql(self, partners, field_names):
        """(SQL selecting (partner id, jsonb array of the values), [fields]) of the
        ``field_names`` of ``partners`` not in the ORM cache yet, or (None, []) when all are.

        The columns are Odoo's own (``_field_to_sql``: company-dependent values in ``partners``'
        company, with their fallback), as ``fetch`` would read them; a fetch of its own was the
        check's costliest query after the figures (bench/HISTORY.md, round 10). Fields whose
        value a jsonb array cannot carry (translated, binary…) are fetched by the ORM."""
        if not partners or not field_names:
            return None, []
        ids = [partner_id for partner_id in partners._ids if isinstance(partner_id, int)]
        cache = self.env.cache
        fetched, other = [], []
        for name in field_names:
            field = partners._fields[name]
            if not any(cache.get_missing_ids(partners, field)):
                continue
            if field.store and field.column_type and not field.translate and field.type in JSON_COLUMN_TYPES:
                fetched.append(field)
            else:
                other.append(name)
        if other:
            partners.fetch(other)
        if not fetched or not ids:
            return None, []
        table = partners._table
        values = self._partner_columns_sql(partners.env.company.id, tuple(field.name for field in fetched))
        query = SQL(
            "SELECT %s, jsonb_build_array(%s) FROM %s WHERE %s = ANY(%s)",
            SQL.identifier(table, "id"),
            values,
            SQL.identifier(table),
            SQL.identifier(table, "id"),
            ids,
        )
        return query, fetched

    @ormcache("company_id", "names")
    def _partner_columns_sql(self, company_id, names):
        """The fields ``names`` of a customer row as Odoo's ``_field_to_sql`` reads them in the
        company ``company_id`` (a company-dependent field's value there, else its ``ir.default``
        fallback). Cached: the same for every check of the company (building them looks the
        defaults up once per field), and ``ir.default``'s changes clear this cache too."""
        partners = self.env["res.partner"].with_company(company_id)
        return SQL(", ").join(partners._field_to_sql(partners._table, name, flush=False) for name in names)

    @api.model
    def _cache_partner_rows(self, partners, fields, rows):
        """Put the values of ``_partner_fields_sql``'s rows in the ORM cache of ``partners``
        (without overwriting a value there: a pending write stays)."""
        if not rows:
            return
        records = partners.browse([partner_id for partner_id, _values in rows])
        cache = self.env.cache
        for index, field in enumerate(fields):
            cache.insert_missing(
                records, field, [column_value(field.type, values[index]) for _partner_id, values in rows]
            )

    def _query_figures(
        self, partner_ids, company, today, cutoff, exclude_move_ids, exclude_order_ids, lock=False, extra_queries=None
    ):
        """[(kind, commercial partner id, amount, overdue, overdue beyond tolerance, oldest due
        date, jsonb value)] of the ``partner_ids``: the receivables, draft invoices, orders to
        invoice and the rows of the ``extra_queries`` ({kind: [SQL]}, their id second and their
        value last) in one statement (one round trip on every confirmation). The members (the commercial
        partners and their contacts) are a CTE; the items of each member are read by a
        lateral sub-query on Odoo's partial index of unreconciled items (account, partner):
        with the member ids as an array, PostgreSQL could not estimate them and crossed the
        company's whole index for a customer of one item (bench/HISTORY.md)."""
        members = SQL("ARRAY(SELECT id FROM members)")
        locked = SQL("locked AS (%s RETURNING partner_id),", self._lock_partners_sql(partner_ids)) if lock else SQL()
        extra = SQL("").join(
            SQL(
                """
         UNION ALL
            SELECT %s, e.id, NULL, NULL, NULL, NULL, e.value
              FROM (%s) AS e (id, value)
                """,
                kind,
                SQL(" UNION ALL ").join(SQL("(%s)", query) for query in queries),
            )
            for kind, queries in (extra_queries or {}).items()
        )
        self._execute_planned(
            SQL(
                """
            WITH %(locked)s members AS MATERIALIZED (
                SELECT id, commercial_partner_id FROM res_partner WHERE commercial_partner_id = ANY(%(partner_ids)s)
            )
            SELECT 'receivable', m.commercial_partner_id, r.amount, r.overdue, r.overdue_beyond, r.oldest, NULL::jsonb
              FROM members m
        CROSS JOIN LATERAL (%(receivables)s) AS r (partner_id, amount, overdue, overdue_beyond, oldest)
         UNION ALL
            SELECT 'draft', d.partner_id, d.amount, NULL, NULL, NULL, NULL
              FROM (%(drafts)s) AS d (partner_id, amount)
         UNION ALL
            SELECT 'orders', m.commercial_partner_id, o.amount, NULL, NULL, NULL, NULL
              FROM (%(orders)s) AS o (partner_id, amount)
              JOIN members m ON m.id = o.partner_id
            %(extra)s
                """,
                extra=extra,
                locked=locked,
                partner_ids=partner_ids,
                receivables=self._receivables_sql(SQL("aml.partner_id = m.id"), company, today, cutoff),
                drafts=self._draft_invoices_sql(
                    _id_filter(SQL("m.commercial_partner_id"), partner_ids), company, exclude_move_ids
                ),
                orders=self._orders_to_invoice_sql(
                    SQL("so.partner_invoice_id = ANY(%s)", members), company, exclude_order_ids
                ),
            ),
            log_exceptions=not lock,  # a lock's serialization failure is expected (_lock_partners_sql)
        )
        return self.env.cr.fetchall()

    def _query_all_figures(self, company, today, cutoff, exclude_move_ids, exclude_order_ids):
        """The rows of ``_query_figures`` for every customer of the company (no id list)."""
        commercial_of = self._member_partner_ids(None)
        rows = [
            ("receivable", commercial_of[member_id], amount, overdue, overdue_beyond, oldest, None)
            for member_id, amount, overdue, overdue_beyond, oldest in self._query_receivables(
                None, company, today, cutoff
            )
        ]
        rows += [
            ("draft", partner_id, amount, None, None, None, None)
            for partner_id, amount in self._query_draft_invoices(None, company, exclude_move_ids)
        ]
        rows += [
            ("orders", commercial_of[member_id], amount, None, None, None, None)
            for member_id, amount in self._query_orders_to_invoice(None, company, exclude_order_ids)
        ]
        return rows

    def _member_partner_ids(self, commercial_partner_ids):
        """{partner id: commercial partner id} of the commercial partners and their contacts.

        Items are then filtered on their own partner_id (indexed) rather than through a join
        on the commercial partner, which made PostgreSQL scan every partner (bench/README.md).
        """
        self.env.cr.execute(
            SQL(
                "SELECT id, commercial_partner_id FROM res_partner WHERE %s",
                _id_filter(SQL("commercial_partner_id"), commercial_partner_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _receivable_account_ids(self):
        self.env.cr.execute(SQL("SELECT id FROM account_account WHERE %s", self._receivable_account_filter()))
        return [row[0] for row in self.env.cr.fetchall()]

    def _receivable_account_filter(self):
        return SQL("account_type = 'asset_receivable'")

    def _receivable_account_ids_sql(self):
        """The receivable accounts as a sub-query of the figure query (an InitPlan: the index on
        (account_id, partner_id) still serves it), one round trip less on every confirmation."""
        return SQL("ARRAY(SELECT id FROM account_account WHERE %s)", self._receivable_account_filter())

    def _query_receivables(self, member_ids, company, today, cutoff):
        """Open receivable, overdue, overdue beyond tolerance and oldest overdue due date."""
        member_filter = _id_filter(SQL("aml.partner_id"), member_ids)
        self.env.cr.execute(self._receivables_sql(member_filter, company, today, cutoff))
        return self.env.cr.fetchall()

    def _receivables_sql(self, member_filter, company, today, cutoff):
        return SQL(
            """
            SELECT aml.partner_id,
                   SUM(aml.amount_residual),
                   SUM(aml.amount_residual) FILTER (
                       WHERE aml.amount_residual > 0 AND COALESCE(aml.date_maturity, aml.date) < %(today)s),
                   SUM(aml.amount_residual) FILTER (
                       WHERE aml.amount_residual > 0 AND COALESCE(aml.date_maturity, aml.date) < %(cutoff)s),
                   MIN(COALESCE(aml.date_maturity, aml.date)) FILTER (
                       WHERE aml.amount_residual > 0 AND COALESCE(aml.date_maturity, aml.date) < %(today)s)
              FROM account_move_line aml
             WHERE %(member_filter)s
               AND aml.account_id = ANY(%(account_ids)s)
               AND aml.company_id = %(company_id)s
               AND (aml.reconciled IS NULL OR aml.reconciled = false OR aml.reconciled IS NOT true)
               AND aml.parent_state = 'posted'
          GROUP BY aml.partner_id
            """,
            member_filter=member_filter,
            account_ids=self._receivable_account_ids_sql(),
            company_id=company.id,
            today=today,
            cutoff=cutoff,
        )

    def _query_draft_invoices(self, partner_ids, company, exclude_move_ids=()):
        """Draft customer invoices net of draft refunds, in company currency."""
        partner_filter = _id_filter(SQL("m.commercial_partner_id"), partner_ids)
        self.env.cr.execute(self._draft_invoices_sql(partner_filter, company, exclude_move_ids))
        return self.env.cr.fetchall()

    def _draft_invoices_sql(self, partner_filter, company, exclude_move_ids):
        return SQL(
            """
            SELECT m.commercial_partner_id, SUM(m.amount_total_signed)
              FROM account_move m
             WHERE %(partner_filter)s
               AND m.company_id = %(company_id)s
               AND m.state = 'draft'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.id != ALL(%(exclude_ids)s)
          GROUP BY m.commercial_partner_id
            """,
            partner_filter=partner_filter,
            company_id=company.id,
            exclude_ids=list(exclude_move_ids),
        )

    def _query_orders_to_invoice(self, member_ids, company, exclude_order_ids):
        """Confirmed orders' amounts not invoiced yet (tax included), in company currency."""
        member_filter = _id_filter(SQL("so.partner_invoice_id"), member_ids)
        self.env.cr.execute(self._orders_to_invoice_sql(member_filter, company, exclude_order_ids))
        return self.env.cr.fetchall()

    def _orders_to_invoice_sql(self, member_filter, company, exclude_order_ids):
        return SQL(
            """
            SELECT so.partner_invoice_id, SUM(%(amount)s)
              FROM sale_order so
              JOIN sale_order_line sol ON sol.order_id = so.id
             WHERE %(member_filter)s
               AND so.company_id = %(company_id)s
               AND so.state = 'sale'
               AND so.id != ALL(%(exclude_ids)s)
               AND %(line_is_open)s
          GROUP BY so.partner_invoice_id
            """,
            amount=_ORDER_LINE_OPEN_AMOUNT,
            line_is_open=_ORDER_LINE_IS_OPEN,
            member_filter=member_filter,
            company_id=company.id,
            exclude_ids=list(exclude_order_ids),
        )

    @api.model
    def _get_order_amounts(self, orders):
        """Return {order id: amount not invoiced yet, tax included, in company currency}.

        For a quotation that is its whole total; for a confirmed order what is left to invoice.
        """
        amounts = dict.fromkeys(orders.ids, 0.0)
        if not orders:
            return amounts
        self._flush_figure_models()
        self.env.cr.execute(
            SQL(
                """
            SELECT so.id, SUM(%(amount)s)
              FROM sale_order so
              JOIN sale_order_line sol ON sol.order_id = so.id
             WHERE so.id = ANY(%(order_ids)s)
               AND %(line_is_open)s
          GROUP BY so.id
            """,
                amount=_ORDER_LINE_OPEN_AMOUNT,
                line_is_open=_ORDER_LINE_IS_OPEN,
                order_ids=orders.ids,
            )
        )
        amounts.update({order_id: amount or 0.0 for order_id, amount in self.env.cr.fetchall()})
        return amounts

    @api.model
    def _paid_online_sql(self, documents, relation, column, states):
        """Rows (document id, {"paid_online": amount}) of the ``documents`` (orders or invoices)
        whose transactions in ``states`` paid something, through their many2many ``relation``
        (``column``: its document column), in the document's currency: a document fact
        (``credit.document.mixin._credit_get_document_queries``)."""
        self.env["payment.transaction"].flush_model(["state", "amount"])
        documents.flush_model(["transaction_ids"])
        return SQL(
            """
            SELECT rel.%(column)s, jsonb_build_object('paid_online', SUM(tx.amount))
              FROM %(relation)s rel
              JOIN payment_transaction tx ON tx.id = rel.transaction_id
             WHERE rel.%(column)s = ANY(%(ids)s)
               AND tx.state = ANY(%(states)s)
          GROUP BY rel.%(column)s
            """,
            column=SQL.identifier(column),
            relation=SQL.identifier(relation),
            ids=documents.ids,
            states=list(states),
        )

    @api.model
    def _get_orders_to_invoice_ids(self, partner, company):
        """Ids of the confirmed orders behind a partner's orders-to-invoice figure."""
        self._flush_figure_models()
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT so.id
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_invoice_id
              JOIN sale_order_line sol ON sol.order_id = so.id
             WHERE p.commercial_partner_id = %(partner_id)s
               AND so.company_id = %(company_id)s
               AND so.state = 'sale'
               AND %(line_is_open)s
            """,
                line_is_open=_ORDER_LINE_IS_OPEN,
                partner_id=partner.commercial_partner_id.id,
                company_id=company.id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Concurrency
    # ------------------------------------------------------------------

    @api.model
    def _lock_partners_sql(self, partner_ids):
        """Serialise the credit checks of the same commercial partners across transactions.

        Each partner has a row in ``credit_control_partner_lock``, written in id order (no
        deadlock between two checks): a second check of the same partner waits for the first
        transaction; when that one commits, the second (REPEATABLE READ, as every Odoo
        cursor) fails with a serialization error and is retried by Odoo, then sees the first
        one's order. A narrow table of its own: touching the partner's row instead wrote a new
        version of it in every index of res_partner on each confirmation. The failure is
        expected: it is not logged as a bad query (Odoo logs the retry).
        """
        return SQL(
            """
            INSERT INTO credit_control_partner_lock (partner_id, locked_at)
                 SELECT id, NOW() AT TIME ZONE 'UTC' FROM unnest(%(partner_ids)s::int[]) AS id ORDER BY id
            ON CONFLICT (partner_id) DO UPDATE SET locked_at = EXCLUDED.locked_at
            """,
            partner_ids=partner_ids,
        )

    # ------------------------------------------------------------------
    # Planned statements
    # ------------------------------------------------------------------

    @api.model
    def _query_union(self, queries):
        """The rows of ``queries`` (SQL of the same columns) read by one planned statement."""
        if not queries:
            return []
        self._execute_planned(SQL(" UNION ALL ").join(SQL("(%s)", query) for query in queries))
        return self.env.cr.fetchall()

    @api.model
    def _execute_planned(self, query, log_exceptions=True):
        """Execute ``query`` (an ``SQL``) through a PL/pgSQL function made from it, whose plan
        PostgreSQL keeps for the session (``lib/planned_sql.py``): for the statements of every
        confirmation, planned anew at each call otherwise. The rows are read as after
        ``cr.execute``. The first call of a statement in a registry runs it as it is and makes
        the function; a statement that cannot be made one (or a read-only cursor, or modules
        being loaded) runs as it is."""
        cr = self.env.cr
        registry = self.env.registry
        functions = registry.__dict__.setdefault("_credit_planned_functions", {})
        call = functions.get(query.code)
        if call:
            cr.execute(call, query.params, log_exceptions)
            return
        cr.execute(query, log_exceptions=log_exceptions)
        if call is None and registry.ready and not cr.readonly:
            result_oids = [column.type_code for column in cr.description or ()]
            functions[query.code] = self._create_planned_function(query.code, result_oids) or False

    @api.model
    def _create_planned_function(self, code, result_oids):
        """Make the function of the statement ``code`` (committed on a connection of its own, so
        that every worker finds it) and return the text of its call, or None when it cannot.

        PostgreSQL gives the types: of the parameters through a ``PREPARE`` of the statement, of
        the result columns from the statement's first run (``result_oids``). Waiting for a lock
        the current transaction holds would never end: the connection gives up at once instead.
        """
        body, param_count = numbered_placeholders(code)
        try:
            with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
                cr.execute("SET LOCAL lock_timeout = '100ms'")
                # the statement's own code, composed by SQL() from literal fragments
                cr.execute(f"PREPARE credit_control_probe AS {body}")  # pylint: disable=sql-injection
                cr.execute(
                    """
                    SELECT format_type(t.oid, NULL)
                      FROM pg_prepared_statements s, unnest(s.parameter_types) WITH ORDINALITY AS t (oid, n)
                     WHERE s.name = 'credit_control_probe'
                  ORDER BY t.n
                    """
                )
                param_types = [row[0] for row in cr.fetchall()]
                cr.execute("DEALLOCATE credit_control_probe")
                cr.execute(
                    "SELECT format_type(t.oid, NULL) FROM unnest(%s::oid[]) WITH ORDINALITY AS t (oid, n) ORDER BY t.n",
                    [result_oids],
                )
                result_types = [row[0] for row in cr.fetchall()]
                if len(param_types) != param_count:
                    return None
                name = function_name(code, param_types, result_types)
                cr.execute(function_definition(name, body, param_types, result_types))  # pylint: disable=sql-injection
                # its own connection, not the request's transaction
                cr.commit()  # pylint: disable=invalid-commit
        except (psycopg2.Error, ValueError) as error:
            _logger.info("Credit statement left unplanned: %s", error)
            return None
        return function_call(name, param_count)

    # ------------------------------------------------------------------
    # Drill-down domains (the same lines as the figures)
    # ------------------------------------------------------------------

    @api.model
    def _receivable_lines_domain(self, partner, company, overdue_only=False):
        domain = [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("reconciled", "=", False),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
        ]
        if overdue_only:
            domain += [
                ("amount_residual", ">", 0),
                ("date_maturity", "<", fields.Date.context_today(self)),
            ]
        return domain

    @api.model
    def _draft_invoices_domain(self, partner, company):
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("state", "=", "draft"),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]
