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

    def _open_items_sql(self, as_of, company_ids, basis):
        """Rows (line, move, company, partner, currency, date, due date, open amount, days).

        Two branches: the items open today, found through Odoo's partial index on unreconciled
        items, and the items reconciled since ``as_of`` (only those with a partial dated after
        it), so that no reconciled item older than the date is ever read.
        """
        age_from = (
            SQL("COALESCE(m.invoice_date, aml.date)")
            if basis == "invoice_date"
            else SQL("COALESCE(aml.date_maturity, aml.date)")
        )
        move_join = SQL("JOIN account_move m ON m.id = aml.move_id") if basis == "invoice_date" else SQL()
        columns = SQL(
            """aml.id AS line_id,
                   aml.move_id,
                   aml.company_id,
                   p.commercial_partner_id AS partner_id,
                   aml.currency_id,
                   aml.date,
                   aml.date_maturity,
                   aml.amount_residual + COALESCE(late_by_line.amount, 0) AS open_amount,
                   %(as_of)s - %(age_from)s AS days_overdue""",
            as_of=as_of,
            age_from=age_from,
        )
        common = SQL(
            """aml.company_id = ANY(%(company_ids)s)
               AND aml.account_id = ANY(%(account_ids)s)
               AND aml.parent_state = 'posted'
               AND aml.date <= %(as_of)s""",
            company_ids=list(company_ids),
            account_ids=self.env["credit.exposure"]._receivable_account_ids(),
            as_of=as_of,
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
            )
            SELECT %(columns)s
              FROM account_move_line aml
              %(move_join)s
              JOIN res_partner p ON p.id = aml.partner_id
         LEFT JOIN late_by_line ON late_by_line.line_id = aml.id
             WHERE (aml.reconciled IS NULL OR aml.reconciled = false OR aml.reconciled IS NOT true)
               AND %(common)s
         UNION ALL
            SELECT %(columns)s
              FROM late_by_line
              JOIN account_move_line aml ON aml.id = late_by_line.line_id
              %(move_join)s
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE aml.reconciled IS TRUE
               AND %(common)s
            """,
            as_of=as_of,
            company_ids=list(company_ids),
            columns=columns,
            move_join=move_join,
            common=common,
        )

    def _bucket_sql(self, boundaries):
        """SQL of an item's bucket number (0 = not due) from its days_overdue."""
        return SQL(
            """CASE WHEN i.days_overdue <= 0 THEN 0
                    ELSE 1 + width_bucket(i.days_overdue - 1, %s::int[])
               END""",
            list(boundaries),
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
                WITH items AS (%(items)s)
                SELECT i.partner_id, %(bucket)s AS bucket, SUM(i.open_amount)
                  FROM items i
                 WHERE i.open_amount != 0 %(partner_filter)s
              GROUP BY i.partner_id, bucket
                """,
                items=self._open_items_sql(as_of, [company.id], company.credit_aging_basis),
                bucket=self._bucket_sql(boundaries),
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
                WITH items AS (%(items)s)
                INSERT INTO credit_aging_line (
                    report_id, partner_id, move_line_id, move_id, company_id, item_currency_id, date,
                    date_maturity, days_overdue, bucket_id, amount, user_id, team_id, country_id,
                    %(extra_columns)s create_uid, create_date, write_uid, write_date)
                SELECT %(report_id)s, i.partner_id, i.line_id, i.move_id, i.company_id, i.currency_id, i.date,
                       i.date_maturity, i.days_overdue, b.id, ROUND(i.open_amount, 2), cp.user_id,
                       salesperson.sale_team_id, cp.country_id,
                       %(extra_values)s %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM items i
                  JOIN res_partner cp ON cp.id = i.partner_id
             LEFT JOIN res_users salesperson ON salesperson.id = cp.user_id
                  %(extra_joins)s
                  JOIN credit_aging_bucket b
                    ON b.report_id = %(report_id)s
                   AND b.sequence = %(bucket)s
                 WHERE ROUND(i.open_amount, 2) != 0
                """,
                items=self._open_items_sql(report.as_of_date, report.company_ids.ids, report.basis),
                report_id=report.id,
                extra_columns=SQL("").join(SQL("%s, ", SQL.identifier(column)) for column, _value, _join in extra),
                extra_values=SQL("").join(SQL("%s, ", value) for _column, value, _join in extra),
                extra_joins=SQL(" ").join(join for _column, _value, join in extra if join),
                uid=self.env.uid,
                bucket=self._bucket_sql(boundaries),
            )
        )
        self.env["credit.aging.line"].invalidate_model()
        report.invalidate_recordset()
