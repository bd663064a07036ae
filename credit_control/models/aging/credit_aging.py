from collections import defaultdict
from datetime import timedelta

from odoo import Command, _, api, models
from odoo.tools import SQL, create_index

from ...lib.aging import DSO_PERIOD_DAYS, DSO_PERIODS, bucket_labels


class CreditAging(models.AbstractModel):
    """Aging of open receivables as of any date, in one SQL statement.

    An item's open amount at a past date is its residual today plus what partial
    reconciliations dated after that date took from it (``max_date`` of the partial is
    the later of the two items' dates): payments received after the date count as
    not received. Amounts are in company currency.
    """

    _name = "credit.aging"
    _description = "Receivable Aging"

    def init(self):
        # an aging as of a date reads the partial reconciliations dated after it
        create_index(
            self.env.cr,
            "credit_control_partial_reconcile_max_date_idx",
            "account_partial_reconcile",
            ["max_date", "company_id"],
        )

    @api.model
    def _bucket_names(self, boundaries):
        labels = bucket_labels(boundaries)
        names = [_("Not due")]
        names += labels[1:-1]
        names.append(_("Over %s", boundaries[-1]))
        return names

    @api.model
    def _aging_settings(self, companies, basis=None, boundaries=None):
        """[(company id, basis, boundaries, currency digits)]: each company's own basis and
        buckets, or the given ones for all (a saved aging sets its own)."""
        settings = []
        for company in companies:
            settings.append(
                (
                    company.id,
                    basis or company.credit_aging_basis,
                    boundaries or company._validate_aging_boundaries(company.credit_aging_boundaries, company.name),
                    company.currency_id.decimal_places,
                )
            )
        return settings

    def _open_items_sql(self, as_of, settings):
        """The open receivable items as of ``as_of``: the one query every aging reads.

        Columns: line_id, move_id, company_id, partner_id (commercial), currency_id, date,
        date_maturity, open_amount (company currency, rounded, never 0), days_overdue (negative
        when not due), bucket (0 = not due, then one per boundary), user_id, team_id and
        country_id of the customer. ``settings`` as returned by ``_aging_settings``.

        Two branches: the items open today, found through Odoo's partial index on unreconciled
        items, and the items reconciled since ``as_of`` (only those with a partial dated after
        it), so that no reconciled item older than the date is ever read.
        """
        company_ids = [company_id for company_id, _basis, _boundaries, _digits in settings]
        columns = SQL(
            """aml.id AS line_id,
                   aml.move_id,
                   aml.company_id,
                   p.commercial_partner_id AS partner_id,
                   aml.currency_id,
                   aml.date,
                   aml.date_maturity,
                   aml.invoice_date,
                   aml.amount_residual + COALESCE(late_by_line.amount, 0) AS open_amount"""
        )
        common = SQL(
            """aml.company_id = ANY(%(company_ids)s)
               AND aml.account_id = ANY(%(account_ids)s)
               AND aml.parent_state = 'posted'
               AND aml.date <= %(as_of)s""",
            company_ids=company_ids,
            account_ids=self.env["credit.exposure"]._receivable_account_ids(),
            as_of=as_of,
        )
        config = SQL(", ").join(
            SQL("(%s, %s, %s::int[], %s)", company_id, basis, list(boundaries), digits)
            for company_id, basis, boundaries, digits in settings
        )
        return SQL(
            """
            WITH late AS (
                SELECT debit_move_id AS line_id, amount
                  FROM account_partial_reconcile
                 WHERE max_date > %(as_of)s AND company_id = ANY(%(company_ids)s)
             UNION ALL
                SELECT credit_move_id, -amount
                  FROM account_partial_reconcile
                 WHERE max_date > %(as_of)s AND company_id = ANY(%(company_ids)s)
            ), late_by_line AS (
                SELECT line_id, SUM(amount) AS amount FROM late GROUP BY line_id
            ), config (company_id, basis, boundaries, digits) AS (
                VALUES %(config)s
            ), items AS (
                SELECT %(columns)s
                  FROM account_move_line aml
                  JOIN res_partner p ON p.id = aml.partner_id
             LEFT JOIN late_by_line ON late_by_line.line_id = aml.id
                 WHERE (aml.reconciled IS NULL OR aml.reconciled = false OR aml.reconciled IS NOT true)
                   AND %(common)s
             UNION ALL
                SELECT %(columns)s
                  FROM late_by_line
                  JOIN account_move_line aml ON aml.id = late_by_line.line_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.reconciled IS TRUE
                   AND %(common)s
            ), aged AS (
                SELECT i.line_id, i.move_id, i.company_id, i.partner_id, i.currency_id, i.date,
                       i.date_maturity, ROUND(i.open_amount, config.digits) AS open_amount,
                       %(as_of)s - CASE WHEN config.basis = 'invoice_date' THEN COALESCE(i.invoice_date, i.date)
                                        ELSE COALESCE(i.date_maturity, i.date) END AS days_overdue,
                       config.boundaries
                  FROM items i
                  JOIN config ON config.company_id = i.company_id
            )
            SELECT a.line_id, a.move_id, a.company_id, a.partner_id, a.currency_id, a.date, a.date_maturity,
                   a.open_amount, a.days_overdue,
                   CASE WHEN a.days_overdue <= 0 THEN 0
                        ELSE 1 + width_bucket(a.days_overdue - 1, a.boundaries)
                   END AS bucket,
                   cp.user_id, salesperson.sale_team_id AS team_id, cp.country_id
              FROM aged a
         -- LEFT joins on primary keys: PostgreSQL drops them when the caller reads no customer column
         LEFT JOIN res_partner cp ON cp.id = a.partner_id
         LEFT JOIN res_users salesperson ON salesperson.id = cp.user_id
             WHERE a.open_amount != 0
            """,
            as_of=as_of,
            company_ids=company_ids,
            columns=columns,
            common=common,
            config=config,
        )

    @api.model
    def _live_items_sql(self, as_of, companies):
        """The rows of the live aging (``credit.aging.live``): the open items, without the
        customers whose open items net to zero; days overdue only for overdue items."""
        return SQL(
            """
            SELECT i.line_id AS id, %(as_of)s::date AS as_of_date, i.line_id AS move_line_id, i.move_id,
                   i.company_id, c.currency_id, i.currency_id AS item_currency_id, i.partner_id,
                   i.date, i.date_maturity,
                   CASE WHEN i.bucket > 0 THEN i.days_overdue END AS days_overdue,
                   LPAD(i.bucket::text, 2, '0') AS bucket,
                   i.open_amount AS amount,
                   CASE WHEN i.bucket = 0 THEN i.open_amount ELSE 0 END AS amount_not_due,
                   CASE WHEN i.bucket > 0 THEN i.open_amount ELSE 0 END AS amount_overdue,
                   i.user_id, i.team_id, i.country_id
              FROM (
                    SELECT items.*, SUM(items.open_amount) OVER (PARTITION BY items.company_id, items.partner_id)
                               AS customer_total
                      FROM (%(items)s) items
                   ) i
              JOIN res_company c ON c.id = i.company_id
             WHERE i.customer_total != 0
            """,
            as_of=as_of,
            items=self._open_items_sql(as_of, self._aging_settings(companies)),
        )

    @api.model
    def _get_aging_totals(self, company, as_of, partner_ids=None):
        """{commercial partner id: [open amount per bucket]} in ``company`` as of ``as_of``."""
        self.env["credit.exposure"]._flush_figure_models()
        boundaries = company._validate_aging_boundaries(company.credit_aging_boundaries, company.name)
        partner_filter = SQL("AND i.partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        self.env.cr.execute(
            SQL(
                """
                SELECT i.partner_id, i.bucket, SUM(i.open_amount)
                  FROM (%(items)s) i
                 WHERE TRUE %(partner_filter)s
              GROUP BY i.partner_id, i.bucket
                """,
                items=self._open_items_sql(as_of, self._aging_settings(company)),
                partner_filter=partner_filter,
            )
        )
        totals = {}
        for partner_id, bucket, amount in self.env.cr.fetchall():
            totals.setdefault(partner_id, [0.0] * (len(boundaries) + 2))[bucket] = company.currency_id.round(amount)
        return totals

    @api.model
    def _get_sales_by_period(self, company, as_of, partner_ids=None, by_partner=True):
        """Credit sales (customer invoices net of refunds, company currency) of each 30-day
        period before ``as_of``, most recent first, over a year: {commercial partner id:
        [amount per period]}, or one list for the whole company without ``by_partner``."""
        partner_filter = (
            SQL("AND m.commercial_partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        )
        self.env["account.move"].flush_model(
            ["company_id", "state", "move_type", "invoice_date", "commercial_partner_id", "amount_total_signed"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(partner)s, (%(as_of)s - m.invoice_date) / %(days)s AS period, SUM(m.amount_total_signed)
                  FROM account_move m
                 WHERE m.company_id = %(company_id)s
                   AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND m.invoice_date > %(since)s AND m.invoice_date <= %(as_of)s
                   %(partner_filter)s
              GROUP BY 1, 2
                """,
                partner=SQL("m.commercial_partner_id") if by_partner else SQL("0"),
                as_of=as_of,
                days=DSO_PERIOD_DAYS,
                since=as_of - timedelta(days=DSO_PERIOD_DAYS * DSO_PERIODS),
                company_id=company.id,
                partner_filter=partner_filter,
            )
        )
        sales = defaultdict(lambda: [0.0] * DSO_PERIODS)
        for partner_id, period, amount in rows:
            sales[partner_id][period] += amount or 0.0
        if not by_partner:
            return sales[0]
        return dict(sales)

    @api.model
    def _get_line_columns(self, report):
        """[(column, SQL value, SQL join or None)] that features add to the report's lines.

        The value and the join may use the open item ``i`` (partner_id, company_id, …) and its
        customer ``cp``; the lines are still written by one INSERT … SELECT.
        """
        return []

    @api.model
    def _fill_report(self, report):
        """Write the report's buckets and its lines (one INSERT … SELECT)."""
        self.env["credit.exposure"]._flush_figure_models()
        boundaries = report._get_boundaries()
        report.bucket_ids.unlink()
        report.line_ids.unlink()
        report.bucket_ids = [
            Command.create({"sequence": index, "name": name})
            for index, name in enumerate(self._bucket_names(boundaries))
        ]
        self.env["credit.exposure"]._flush_figure_models()
        self.env["credit.aging.bucket"].flush_model()
        self.env["res.users"].flush_model(["sale_team_id"])
        extra = self._get_line_columns(report)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO credit_aging_line (
                    report_id, partner_id, move_line_id, move_id, company_id, item_currency_id, date,
                    date_maturity, days_overdue, bucket_id, amount, user_id, team_id, country_id,
                    %(extra_columns)s create_uid, create_date, write_uid, write_date)
                SELECT %(report_id)s, i.partner_id, i.line_id, i.move_id, i.company_id, i.currency_id, i.date,
                       i.date_maturity, i.days_overdue, b.id, i.open_amount, i.user_id, i.team_id, i.country_id,
                       %(extra_values)s %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM (%(items)s) i
                  JOIN res_partner cp ON cp.id = i.partner_id
                  %(extra_joins)s
                  JOIN credit_aging_bucket b
                    ON b.report_id = %(report_id)s
                   AND b.sequence = i.bucket
                """,
                items=self._open_items_sql(
                    report.as_of_date,
                    self._aging_settings(report.company_ids, basis=report.basis, boundaries=boundaries),
                ),
                report_id=report.id,
                extra_columns=SQL("").join(SQL("%s, ", SQL.identifier(column)) for column, _value, _join in extra),
                extra_values=SQL("").join(SQL("%s, ", value) for _column, value, _join in extra),
                extra_joins=SQL(" ").join(join for _column, _value, join in extra if join),
                uid=self.env.uid,
            )
        )
        self.env["credit.aging.line"].invalidate_model()
        report.invalidate_recordset()
