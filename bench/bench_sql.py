"""Bulk SQL: staging tables filled with COPY, then INSERT … SELECT into Odoo's tables.

The rows written keep Odoo's invariants: every move is balanced, a receivable line's
residual is its balance minus what its partial reconciliations took, a line is reconciled
exactly when both residuals are zero, fully reconciled pairs share an
account_full_reconcile and the matching number Odoo would give them, names follow each
journal's sequence. ``bench_checks.py`` verifies all of it afterwards.

Loading speed: foreign-key triggers are off for the loading session
(``session_replication_role = replica``) and re-checked afterwards with one anti-join per
foreign key (``validate_foreign_keys``); the secondary indexes of the three big tables are
dropped before the load and created again, from their own definitions, afterwards.
Values always travel as query parameters; only identifiers we control are composed
(``psycopg2.sql.Identifier``).
"""

import io
import time
from datetime import date

from psycopg2 import sql

STAGING_TABLES = {
    "bench_company": """
        company_id int PRIMARY KEY, currency_id int, foreign_currency_id int,
        receivable_account_id int, income_account_id int, bank_account_id int,
        sale_journal_id int, bank_journal_id int, sale_code varchar, bank_code varchar,
        tax_id int, tax_rate numeric, pricelist_id int, foreign_pricelist_id int, team_id int""",
    "bench_customer": "customer int PRIMARY KEY, contact int, limit_factor numeric, credit_hold bool, blacklisted bool",
    "bench_item": """
        item int PRIMARY KEY, customer int, company_id int, kind varchar, state varchar, currency_id int,
        rate numeric, date date, date_maturity date, amount_cur numeric, amount_comp numeric,
        residual_cur numeric, residual_comp numeric, payment_state varchar, partial_no int, full_no int""",
    "bench_partial": """
        partial_no int PRIMARY KEY, debit_item int, credit_item int, company_id int, currency_id int,
        amount_comp numeric, amount_cur numeric, max_date date, full_no int""",
    "bench_order": """
        order_no int PRIMARY KEY, customer int, contact int, company_id int, currency_id int, rate numeric,
        date_order date""",
    "bench_order_line": "line_no int PRIMARY KEY, order_no int, sequence int, qty numeric, price_unit numeric",
}

# Tables whose secondary indexes are dropped during the load (millions of rows).
BIG_TABLES = ("account_move", "account_move_line", "account_partial_reconcile")
LOADED_TABLES = (
    "res_partner",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_full_reconcile",
    "sale_order",
    "sale_order_line",
)
COPY_CHUNK_ROWS = 200_000


# ----------------------------------------------------------------------
# Staging
# ----------------------------------------------------------------------


def create_staging_tables(cur):
    for table, columns in STAGING_TABLES.items():
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
        cur.execute(sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(sql.Identifier(table), sql.SQL(columns)))


def drop_staging_tables(cur):
    for table in STAGING_TABLES:
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))


def _copy_value(value):
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class CopyWriter:
    """Collects rows for one staging table and sends them with COPY in chunks."""

    def __init__(self, cur, table, columns, chunk_rows=COPY_CHUNK_ROWS):
        self.cur = cur
        self.statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        self.chunk_rows = chunk_rows
        self.lines = []
        self.count = 0

    def write(self, row):
        self.lines.append("\t".join(map(_copy_value, row)))
        if len(self.lines) >= self.chunk_rows:
            self.flush()

    def write_all(self, rows):
        for row in rows:
            self.write(row)
        self.flush()

    def flush(self):
        if not self.lines:
            return
        buffer = io.StringIO("\n".join(self.lines) + "\n")
        self.cur.copy_expert(self.statement.as_string(self.cur), buffer)
        self.count += len(self.lines)
        self.lines = []


def fill_companies(cur, companies):
    """One bench_company row per company (the accounts, journals, tax and pricelists to use)."""
    columns = [
        "company_id",
        "currency_id",
        "foreign_currency_id",
        "receivable_account_id",
        "income_account_id",
        "bank_account_id",
        "sale_journal_id",
        "bank_journal_id",
        "sale_code",
        "bank_code",
        "tax_id",
        "tax_rate",
        "pricelist_id",
        "foreign_pricelist_id",
        "team_id",
    ]
    writer = CopyWriter(cur, "bench_company", columns)
    writer.write_all([tuple(company[column] for column in columns) for company in companies])


# ----------------------------------------------------------------------
# Ids, indexes, sequences
# ----------------------------------------------------------------------


def reserve_ids(cur, table, count):
    """Reserve ``count`` ids in ``table``: rows get ids base + 1 .. base + count."""
    cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cur.fetchone()[0]
    cur.execute(sql.SQL("SELECT COALESCE(MAX(id), 0) FROM {}").format(sql.Identifier(table)))
    base = cur.fetchone()[0]
    cur.execute("SELECT setval(%s, %s)", [sequence, base + max(count, 1)])
    return base


def secondary_indexes(cur, tables):
    """(table, name, definition) of the indexes that back no constraint."""
    cur.execute(
        """
        SELECT i.tablename, i.indexname, i.indexdef
          FROM pg_indexes i
         WHERE i.schemaname = 'public'
           AND i.tablename = ANY(%s)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                            WHERE c.conindid = to_regclass(quote_ident(i.indexname)))
      ORDER BY i.tablename, i.indexname
        """,
        [list(tables)],
    )
    return cur.fetchall()


def drop_indexes(cur, indexes):
    for _table, name, _definition in indexes:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))


def create_indexes(cur, indexes):
    """Create the indexes again from their own definitions (pg_indexes.indexdef)."""
    for _table, _name, definition in indexes:
        cur.execute(definition)


def set_sequences(cur, tables):
    """Each table's id sequence at its maximum id (reserve_ids may have left it higher)."""
    for table in tables:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cur.fetchone()[0]
        cur.execute(
            sql.SQL("SELECT setval(%s, (SELECT COALESCE(MAX(id), 1) FROM {}))").format(sql.Identifier(table)),
            [sequence],
        )


def table_columns(cur, table):
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
        [table],
    )
    return {row[0] for row in cur.fetchall()}


# ----------------------------------------------------------------------
# Customers
# ----------------------------------------------------------------------


def insert_customers(cur, base, customers, ref_prefix):
    """Companies (customers 1..N) then their invoice contacts (ids after the customers)."""
    cur.execute(
        """
        INSERT INTO res_partner (
            id, name, complete_name, ref, commercial_partner_id, commercial_company_name, is_company,
            type, lang, active, customer_rank, supplier_rank, partner_share, employee, autopost_bills,
            color, create_uid, create_date, write_uid, write_date)
        SELECT %(base)s + c.customer, n.name, n.name, %(ref_prefix)s || lpad(c.customer::text, 6, '0'),
               %(base)s + c.customer, n.name, true,
               'contact', 'en_US', true, 1, 0, true, false, 'ask',
               0, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM bench_customer c
         CROSS JOIN LATERAL (SELECT 'Bench Customer ' || lpad(c.customer::text, 6, '0') AS name) n
        """,
        {"base": base, "ref_prefix": ref_prefix},
    )
    cur.execute(
        """
        INSERT INTO res_partner (
            id, name, complete_name, parent_id, commercial_partner_id, commercial_company_name, is_company,
            type, lang, active, customer_rank, supplier_rank, partner_share, employee, autopost_bills,
            color, create_uid, create_date, write_uid, write_date)
        SELECT %(base)s + %(customers)s + c.contact, 'Accounts', p.name || ', Accounts', p.id, p.id, p.name, false,
               'invoice', 'en_US', true, 0, 0, true, false, 'ask',
               0, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM bench_customer c
          JOIN res_partner p ON p.id = %(base)s + c.customer
         WHERE c.contact IS NOT NULL
        """,
        {"base": base, "customers": customers},
    )


# ----------------------------------------------------------------------
# Moves, lines, reconciliations
# ----------------------------------------------------------------------


def insert_moves(cur, move_base, partner_base):
    """One move per item: invoice, credit note or payment entry, numbered per journal and year."""
    cur.execute(
        """
        WITH item AS (
            SELECT i.*,
                   CASE WHEN i.kind = 'payment' THEN c.bank_journal_id ELSE c.sale_journal_id END AS journal_id,
                   CASE i.kind WHEN 'payment' THEN c.bank_code
                               WHEN 'out_refund' THEN 'R' || c.sale_code
                               ELSE c.sale_code END
                     || '/' || EXTRACT(YEAR FROM i.date)::int || '/' AS prefix
              FROM bench_item i
              JOIN bench_company c ON c.company_id = i.company_id
        ), last_number AS (
            SELECT journal_id, sequence_prefix, MAX(sequence_number) AS number
              FROM account_move
             WHERE state = 'posted'
          GROUP BY journal_id, sequence_prefix
        ), numbered AS (
            SELECT item.*,
                   CASE WHEN item.state = 'posted' THEN
                       COALESCE(last_number.number, 0)
                       + row_number() OVER (PARTITION BY item.journal_id, item.prefix, item.state
                                                ORDER BY item.date, item.item)
                   END AS number
              FROM item
         LEFT JOIN last_number ON last_number.journal_id = item.journal_id
                              AND last_number.sequence_prefix = item.prefix
        )
        INSERT INTO account_move (
            id, name, sequence_prefix, sequence_number, journal_id, company_id, currency_id, state, move_type,
            auto_post, date, invoice_date, invoice_date_due, partner_id, commercial_partner_id,
            partner_shipping_id, invoice_partner_display_name, invoice_user_id, payment_reference,
            invoice_currency_rate, amount_untaxed, amount_tax, amount_total, amount_residual,
            amount_untaxed_signed, amount_untaxed_in_currency_signed, amount_tax_signed, amount_total_signed,
            amount_total_in_currency_signed, amount_residual_signed, payment_state, is_storno,
            always_tax_exigible, checked, posted_before, made_sequence_gap, is_manually_modified, is_move_sent,
            create_uid, create_date, write_uid, write_date)
        SELECT %(move_base)s + n.item,
               move.name,
               CASE WHEN n.state = 'posted' THEN n.prefix ELSE '' END,
               COALESCE(n.number, 0),
               n.journal_id, n.company_id, n.currency_id, n.state,
               CASE WHEN n.kind = 'payment' THEN 'entry' ELSE n.kind END,
               'no', n.date,
               CASE WHEN n.kind = 'payment' THEN NULL ELSE n.date END,
               n.date_maturity,
               p.id, p.id,
               CASE WHEN n.kind = 'payment' THEN NULL ELSE p.id END,
               CASE WHEN n.kind = 'payment' THEN NULL ELSE p.name END,
               CASE WHEN n.kind = 'payment' THEN NULL ELSE 1 END,
               CASE WHEN n.kind = 'payment' OR n.state = 'draft' THEN NULL ELSE move.name END,
               CASE WHEN n.kind = 'payment' THEN 0.0 ELSE n.rate END,
               -- invoices and credit notes: one untaxed income line; payments: a bank debit
               CASE WHEN n.kind = 'payment' THEN 0.0 ELSE ABS(n.amount_cur) END,
               0.0,
               ABS(n.amount_cur),
               CASE WHEN n.kind = 'payment' THEN 0.0 ELSE ABS(n.residual_cur) END,
               CASE WHEN n.kind = 'payment' THEN 0.0 ELSE n.amount_comp END,
               CASE WHEN n.kind = 'payment' THEN 0.0 ELSE n.amount_cur END,
               0.0,
               CASE WHEN n.kind = 'payment' THEN ABS(n.amount_comp) ELSE n.amount_comp END,
               CASE WHEN n.kind = 'payment' THEN ABS(n.amount_cur) ELSE n.amount_cur END,
               CASE WHEN n.kind = 'payment' THEN 0.0 ELSE n.residual_comp END,
               n.payment_state, false,
               n.kind = 'payment', n.state = 'posted', n.state = 'posted', false, false, false,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM numbered n
          JOIN res_partner p ON p.id = %(partner_base)s + n.customer
         CROSS JOIN LATERAL (
               SELECT CASE WHEN n.state = 'posted' THEN
                          n.prefix || CASE WHEN n.number < 100000 THEN lpad(n.number::text, 5, '0')
                                           ELSE n.number::text END
                      END AS name) move
        """,
        {"move_base": move_base, "partner_base": partner_base},
    )


def insert_move_lines(cur, line_base, move_base, partner_base, partial_base, full_base):
    """Two lines per move: the receivable line (id base + 2·item − 1) and its counterpart (+ 2·item)."""
    params = {
        "line_base": line_base,
        "move_base": move_base,
        "partner_base": partner_base,
        "partial_base": partial_base,
        "full_base": full_base,
    }
    # The receivable line: residuals from the generator, matching number as Odoo sets it
    # (the full reconcile id, or 'P' + the smallest partial id of the group).
    cur.execute(
        """
        INSERT INTO account_move_line (
            id, move_id, journal_id, company_id, company_currency_id, account_id, currency_id, partner_id,
            move_name, parent_state, name, display_type, date, invoice_date, date_maturity,
            debit, credit, balance, amount_currency, amount_residual, amount_residual_currency, reconciled,
            full_reconcile_id, matching_number, sequence, quantity, price_unit, price_subtotal, price_total,
            discount, tax_base_amount, discount_amount_currency, discount_balance, is_imported, tax_tag_invert,
            create_uid, create_date, write_uid, write_date)
        SELECT %(line_base)s + 2 * i.item - 1, m.id, m.journal_id, m.company_id, c.currency_id,
               c.receivable_account_id, i.currency_id, %(partner_base)s + i.customer,
               m.name, i.state, COALESCE(m.name, ''),
               CASE WHEN i.kind = 'payment' THEN 'product' ELSE 'payment_term' END,
               i.date, m.invoice_date, i.date_maturity,
               GREATEST(i.amount_comp, 0), GREATEST(-i.amount_comp, 0), i.amount_comp, i.amount_cur,
               i.residual_comp, i.residual_cur, i.residual_comp = 0 AND i.residual_cur = 0,
               %(full_base)s + i.full_no,
               CASE WHEN i.full_no IS NOT NULL THEN (%(full_base)s + i.full_no)::text
                    WHEN i.partial_no IS NOT NULL THEN 'P' || (%(partial_base)s + i.partial_no)::text
               END,
               CASE WHEN i.kind = 'payment' THEN 100 ELSE 12000 END,
               CASE WHEN i.kind = 'payment' THEN 1.0 ELSE 0.0 END, 0.0,
               CASE WHEN i.kind = 'payment' THEN i.amount_cur ELSE 0.0 END,
               CASE WHEN i.kind = 'payment' THEN i.amount_cur ELSE 0.0 END,
               0.0, 0.0, 0.0, 0.0, false, false,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM bench_item i
          JOIN bench_company c ON c.company_id = i.company_id
          JOIN account_move m ON m.id = %(move_base)s + i.item
        """,
        params,
    )
    # The counterpart: income (not reconcilable: no residual) or bank (residual = balance).
    cur.execute(
        """
        INSERT INTO account_move_line (
            id, move_id, journal_id, company_id, company_currency_id, account_id, currency_id, partner_id,
            move_name, parent_state, name, display_type, date, invoice_date, date_maturity,
            debit, credit, balance, amount_currency, amount_residual, amount_residual_currency, reconciled,
            sequence, quantity, price_unit, price_subtotal, price_total,
            discount, tax_base_amount, discount_amount_currency, discount_balance, is_imported, tax_tag_invert,
            create_uid, create_date, write_uid, write_date)
        SELECT %(line_base)s + 2 * i.item, m.id, m.journal_id, m.company_id, c.currency_id,
               CASE WHEN i.kind = 'payment' THEN c.bank_account_id ELSE c.income_account_id END,
               i.currency_id, %(partner_base)s + i.customer,
               m.name, i.state,
               CASE WHEN i.kind = 'payment' THEN 'Customer payment' ELSE 'Bench goods' END,
               'product', i.date, m.invoice_date, NULL,
               GREATEST(-i.amount_comp, 0), GREATEST(i.amount_comp, 0), -i.amount_comp, -i.amount_cur,
               CASE WHEN i.kind = 'payment' THEN -i.amount_comp ELSE 0.0 END,
               CASE WHEN i.kind = 'payment' THEN -i.amount_cur ELSE 0.0 END,
               false,
               100, 1.0,
               CASE WHEN i.kind = 'payment' THEN 0.0 ELSE ABS(i.amount_cur) END,
               CASE WHEN i.kind = 'payment' THEN -i.amount_cur ELSE ABS(i.amount_cur) END,
               CASE WHEN i.kind = 'payment' THEN -i.amount_cur ELSE ABS(i.amount_cur) END,
               0.0, 0.0, 0.0, 0.0, false, false,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM bench_item i
          JOIN bench_company c ON c.company_id = i.company_id
          JOIN account_move m ON m.id = %(move_base)s + i.item
        """,
        params,
    )


def insert_reconciliations(cur, line_base, partial_base, full_base):
    cur.execute(
        """
        INSERT INTO account_full_reconcile (id, create_uid, create_date, write_uid, write_date)
        SELECT DISTINCT %(full_base)s + full_no, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM bench_partial
         WHERE full_no IS NOT NULL
        """,
        {"full_base": full_base},
    )
    cur.execute(
        """
        INSERT INTO account_partial_reconcile (
            id, debit_move_id, credit_move_id, full_reconcile_id, debit_currency_id, credit_currency_id,
            company_id, max_date, amount, debit_amount_currency, credit_amount_currency,
            create_uid, create_date, write_uid, write_date)
        SELECT %(partial_base)s + p.partial_no,
               %(line_base)s + 2 * p.debit_item - 1, %(line_base)s + 2 * p.credit_item - 1,
               %(full_base)s + p.full_no, p.currency_id, p.currency_id,
               p.company_id, p.max_date, p.amount_comp, p.amount_cur, p.amount_cur,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM bench_partial p
        """,
        {"line_base": line_base, "partial_base": partial_base, "full_base": full_base},
    )


# ----------------------------------------------------------------------
# Sale orders
# ----------------------------------------------------------------------


def insert_orders(cur, order_base, line_base, partner_base, customers, facts):
    """Confirmed orders, nothing invoiced; names from the sale.order ir.sequence."""
    cur.execute("SELECT id, implementation FROM ir_sequence WHERE code = 'sale.order' ORDER BY company_id NULLS LAST")
    sequence_id, implementation = cur.fetchone()
    if implementation != "standard":
        raise RuntimeError("the sale.order sequence is expected to be a standard (PostgreSQL) sequence")
    sequence_name = "ir_sequence_%03d" % sequence_id
    params = {
        "order_base": order_base,
        "line_base": line_base,
        "partner_base": partner_base,
        "customers": customers,
        "sequence": sequence_name,
        "product_id": facts["product_id"],
        "uom_id": facts["uom_id"],
        "product_name": facts["product_name"],
        "user_id": facts["user_id"],
    }
    # Line amounts: price_subtotal rounded, tax per line (company setting round_per_line).
    cur.execute(
        """
        CREATE TEMPORARY TABLE bench_line_amount ON COMMIT DROP AS
        SELECT l.line_no, l.order_no, l.sequence, l.qty, l.price_unit, c.tax_id,
               ROUND(l.qty * l.price_unit, 2) AS subtotal,
               ROUND(ROUND(l.qty * l.price_unit, 2) * c.tax_rate / 100, 2) AS tax
          FROM bench_order_line l
          JOIN bench_order o ON o.order_no = l.order_no
          JOIN bench_company c ON c.company_id = o.company_id
        """
    )
    cur.execute(
        """
        INSERT INTO sale_order (
            id, name, state, company_id, partner_id, partner_invoice_id, partner_shipping_id, pricelist_id,
            currency_id, currency_rate, user_id, team_id, date_order, invoice_status,
            amount_untaxed, amount_tax, amount_total, locked, require_signature, require_payment,
            prepayment_percent, create_uid, create_date, write_uid, write_date)
        SELECT %(order_base)s + o.order_no,
               'S' || lpad(nextval(%(sequence)s)::text, 5, '0'),
               'sale', o.company_id, %(partner_base)s + o.customer,
               COALESCE(%(partner_base)s + %(customers)s + o.contact, %(partner_base)s + o.customer),
               %(partner_base)s + o.customer,
               CASE WHEN o.currency_id = c.currency_id THEN c.pricelist_id ELSE c.foreign_pricelist_id END,
               o.currency_id, o.rate, %(user_id)s, c.team_id, o.date_order::timestamp + interval '9 hours',
               'to invoice', a.untaxed, a.tax, a.untaxed + a.tax, false, false, false,
               1.0, 1, o.date_order::timestamp, 1, o.date_order::timestamp
          FROM bench_order o
          JOIN bench_company c ON c.company_id = o.company_id
          JOIN (SELECT order_no, SUM(subtotal) AS untaxed, SUM(tax) AS tax
                  FROM bench_line_amount GROUP BY order_no) a ON a.order_no = o.order_no
      ORDER BY o.order_no
        """,
        params,
    )
    cur.execute(
        """
        INSERT INTO sale_order_line (
            id, order_id, sequence, company_id, currency_id, order_partner_id, salesman_id, product_id,
            product_uom, state, qty_delivered_method, invoice_status, name, product_uom_qty, price_unit,
            discount, price_subtotal, price_tax, price_total, price_reduce_taxexcl, price_reduce_taxinc,
            qty_delivered, qty_invoiced, qty_to_invoice, untaxed_amount_invoiced, untaxed_amount_to_invoice,
            is_downpayment, is_expense, customer_lead, technical_price_unit,
            create_uid, create_date, write_uid, write_date)
        SELECT %(line_base)s + l.line_no, so.id, l.sequence, so.company_id, so.currency_id, so.partner_id,
               so.user_id, %(product_id)s, %(uom_id)s, 'sale', 'manual', 'to invoice', %(product_name)s,
               l.qty, l.price_unit, 0.0, l.subtotal, l.tax, l.subtotal + l.tax,
               ROUND(l.subtotal / l.qty, 6), ROUND((l.subtotal + l.tax) / l.qty, 6),
               0.0, 0.0, l.qty, 0.0, l.subtotal,
               false, false, 0.0, l.price_unit,
               1, so.create_date, 1, so.write_date
          FROM bench_line_amount l
          JOIN sale_order so ON so.id = %(order_base)s + l.order_no
        """,
        params,
    )
    cur.execute(
        """
        INSERT INTO account_tax_sale_order_line_rel (sale_order_line_id, account_tax_id)
        SELECT %(line_base)s + l.line_no, l.tax_id FROM bench_line_amount l WHERE l.tax_id IS NOT NULL
        """,
        params,
    )


# ----------------------------------------------------------------------
# Credit settings of the customers
# ----------------------------------------------------------------------


def set_credit_limits(cur, partner_base, order_base):
    """Odoo's company-dependent credit_limit: the customer's exposure in each company times
    its factor, rounded to hundreds (at least 1,000); customers without a factor have none."""
    cur.execute(
        """
        WITH exposure AS (
            SELECT i.customer, i.company_id, i.residual_comp AS amount
              FROM bench_item i
            UNION ALL
            SELECT so.partner_id - %(partner_base)s, so.company_id, so.amount_total / so.currency_rate
              FROM sale_order so
             WHERE so.id > %(order_base)s
        ), per_company AS (
            SELECT customer, company_id, SUM(amount) AS amount FROM exposure GROUP BY customer, company_id
        ), limits AS (
            SELECT e.customer,
                   jsonb_object_agg(e.company_id::text,
                                    GREATEST(1000, ROUND(e.amount * c.limit_factor / 100) * 100)::float8) AS value
              FROM per_company e
              JOIN bench_customer c ON c.customer = e.customer
             WHERE c.limit_factor IS NOT NULL
          GROUP BY e.customer
        )
        UPDATE res_partner p SET credit_limit = limits.value
          FROM limits
         WHERE p.id = %(partner_base)s + limits.customer
        """,
        {"partner_base": partner_base, "order_base": order_base},
    )


def set_credit_control_flags(cur, partner_base):
    """credit_control's manual holds and blacklist on a few customers (when installed)."""
    if "credit_hold" not in table_columns(cur, "res_partner"):
        return
    cur.execute(
        """
        UPDATE res_partner p
           SET credit_hold = c.credit_hold,
               credit_hold_reason = CASE WHEN c.credit_hold THEN 'Bench: disputed invoices' END,
               credit_blacklisted = c.blacklisted,
               credit_blacklist_reason = CASE WHEN c.blacklisted THEN 'Bench: insolvency' END
          FROM bench_customer c
         WHERE p.id = %(partner_base)s + c.customer
           AND (c.credit_hold OR c.blacklisted)
        """,
        {"partner_base": partner_base},
    )


def set_oca_columns(cur, partner_base, order_line_base):
    """OCA account/sale_financial_risk: every risk counted in the total, and the stored
    risk fields of the order lines (commercial entity, amount not invoiced in company
    currency), as their computes would set them. Nothing happens without the modules."""
    partner_columns = table_columns(cur, "res_partner")
    if "risk_invoice_open_include" in partner_columns:
        cur.execute(
            """
            UPDATE res_partner
               SET risk_invoice_draft_include = true,
                   risk_invoice_open_include = true,
                   risk_invoice_unpaid_include = true,
                   risk_sale_order_include = true,
                   credit_currency = 'company',
                   show_financial_risk_in_portal = true,
                   date_credit_limit = CASE WHEN credit_limit IS NOT NULL THEN CURRENT_DATE END
             WHERE id > %(partner_base)s
            """,
            {"partner_base": partner_base},
        )
    if "risk_amount" in table_columns(cur, "sale_order_line"):
        cur.execute(
            """
            UPDATE sale_order_line sol
               SET risk_partner_id = p.commercial_partner_id,
                   risk_amount = ROUND(sol.price_total * (sol.product_uom_qty - sol.qty_invoiced)
                                       / sol.product_uom_qty / so.currency_rate, 2)
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_invoice_id
             WHERE so.id = sol.order_id
               AND sol.id > %(line_base)s
            """,
            {"line_base": order_line_base},
        )


# ----------------------------------------------------------------------
# Foreign keys and statistics
# ----------------------------------------------------------------------


def validate_foreign_keys(cur, new_rows):
    """Check every single-column foreign key of the loaded tables on the new rows.

    ``new_rows`` maps a table to (column, lower bound): rows with column > bound are new.
    Returns a list of (table, column, referenced table, dangling rows).
    """
    cur.execute(
        """
        SELECT cl.relname, att.attname, ref.relname, ref_att.attname
          FROM pg_constraint con
          JOIN pg_class cl ON cl.oid = con.conrelid
          JOIN pg_class ref ON ref.oid = con.confrelid
          JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
          JOIN pg_attribute ref_att ON ref_att.attrelid = con.confrelid AND ref_att.attnum = con.confkey[1]
         WHERE con.contype = 'f'
           AND cl.relname = ANY(%s)
           AND array_length(con.conkey, 1) = 1
      ORDER BY cl.relname, att.attname
        """,
        [list(new_rows)],
    )
    problems = []
    for table, column, ref_table, ref_column in cur.fetchall():
        bound_column, bound = new_rows[table]
        cur.execute(
            sql.SQL(
                """
                SELECT COUNT(*) FROM {table} t
                 WHERE t.{bound_column} > %s
                   AND t.{column} IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM {ref_table} r WHERE r.{ref_column} = t.{column})
                """
            ).format(
                table=sql.Identifier(table),
                bound_column=sql.Identifier(bound_column),
                column=sql.Identifier(column),
                ref_table=sql.Identifier(ref_table),
                ref_column=sql.Identifier(ref_column),
            ),
            [bound],
        )
        dangling = cur.fetchone()[0]
        if dangling:
            problems.append((table, column, ref_table, dangling))
    return problems


def vacuum_analyze(conn, tables):
    """VACUUM ANALYZE (outside a transaction): statistics and visibility map, as in production."""
    previous = conn.autocommit
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for table in tables:
                cur.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
    finally:
        conn.autocommit = previous


class PhaseTimer:
    """Wall time of each named phase, printed as it ends."""

    def __init__(self):
        self.phases = {}
        self.start = time.perf_counter()

    def run(self, name, function, *args, **kwargs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        elapsed = time.perf_counter() - started
        self.phases[name] = round(elapsed, 2)
        print(f"  {name:<42} {elapsed:8.1f} s", flush=True)
        return result

    @property
    def total(self):
        return round(time.perf_counter() - self.start, 1)
