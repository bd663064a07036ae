from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ...report.aging.aging_xlsx import build_live_aging_workbook

# The context key of the as-of date (YYYY-MM-DD) the live aging is computed at; today without it.
AS_OF_KEY = "aging_as_of"


class CreditAgingLive(models.Model):
    """Today's aging, live: the open receivable items as of a date, nothing stored.

    A SQL view (``_table_query``) over the journal items, computed afresh at each read by
    ``credit.aging._open_items_sql`` as of the context's ``aging_as_of`` date (today by
    default), for the allowed companies, each with its own basis and buckets. The pivot,
    graph and list, the XLSX and the PDF all read it, so they show the same figures.
    """

    _name = "credit.aging.live"
    _description = "Receivable Aging"
    _auto = False
    _rec_name = "move_id"
    _order = "partner_id, days_overdue desc, id"
    _depends = {
        "account.move.line": [
            "amount_residual", "reconciled", "account_id", "parent_state", "date", "date_maturity",
            "invoice_date", "partner_id", "company_id", "currency_id", "move_id",
        ],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date", "company_id"],
        "res.partner": ["commercial_partner_id", "user_id", "country_id"],
        "res.users": ["sale_team_id"],
        "res.company": ["currency_id"],
    }  # fmt: skip

    as_of_date = fields.Date(string="As of", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    item_currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(
        readonly=True, aggregator="max", help="Days past the due (or invoice) date; empty when not due."
    )
    bucket = fields.Selection(selection="_selection_bucket", readonly=True)
    amount = fields.Monetary(string="Open Amount", currency_field="currency_id", readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", currency_field="currency_id", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", currency_field="currency_id", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)

    @api.model
    def _selection_bucket(self):
        """Keys "00" (not due), "01", …: they sort as the buckets do. Labels of the current
        company first, then of the other allowed companies with more buckets."""
        labels = {}
        aging = self.env["credit.aging"]
        for company in self.env.company | self.env.companies:
            boundaries = company._validate_aging_boundaries(company.credit_aging_boundaries, company.name)
            for index, name in enumerate(aging._bucket_names(boundaries)):
                labels.setdefault("%02d" % index, name)
        return sorted(labels.items())

    @property
    def _table_query(self):
        return self.env["credit.aging"]._live_items_sql(self._get_as_of_date(), self.env.companies)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_move(self):
        self.ensure_one()
        return self.move_id._get_records_action()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_as_of_date(self):
        """The context's as-of date, today without it; a clear error for a bad one."""
        value = self.env.context.get(AS_OF_KEY)
        if not value:
            return fields.Date.context_today(self)
        try:
            return fields.Date.to_date(value)
        except ValueError as error:
            raise UserError(_("The aging date “%s” is not a date.", value)) from error

    @api.model
    def _get_export_data(self, domain):
        """The figures the screen shows for ``domain``, per company currency, for the exports.

        {"as_of": date, "buckets": [(key, label)], "currencies": [{"currency": res.currency,
        "customers": [(partner, {bucket key: amount}, total)], "items": records, "totals":
        {bucket key: amount}, "total": amount}]}, customers sorted by name.
        """
        buckets = self._fields["bucket"]._description_selection(self.env)
        groups = self._read_group(
            domain, ["currency_id", "partner_id", "bucket"], ["amount:sum"], order="currency_id, partner_id"
        )
        per_currency = {}
        for currency, partner, bucket, amount in groups:
            block = per_currency.setdefault(
                currency, {"currency": currency, "customers": {}, "totals": {}, "total": 0.0}
            )
            amounts = block["customers"].setdefault(partner, {})
            amounts[bucket] = amounts.get(bucket, 0.0) + amount
        items = self.search(domain, order="partner_id, days_overdue desc, date, id")
        currencies = []
        for currency, block in sorted(per_currency.items(), key=lambda pair: pair[0].name):
            customers = []
            for partner, amounts in block["customers"].items():
                total = currency.round(sum(amounts.values()))
                if currency.is_zero(total):
                    continue
                customers.append((partner, amounts, total))
                for bucket, amount in amounts.items():
                    block["totals"][bucket] = currency.round(block["totals"].get(bucket, 0.0) + amount)
                block["total"] = currency.round(block["total"] + total)
            customers.sort(key=lambda row: (row[0].display_name or "").lower())
            block["customers"] = customers
            block["items"] = items.filtered(lambda item, currency=currency: item.currency_id == currency)
            currencies.append(block)
        return {"as_of": self._get_as_of_date(), "buckets": buckets, "currencies": currencies}

    @api.model
    def _get_export_header(self, filters=None):
        """The header lines of the exports: companies and the search filters in use."""
        lines = [_("Companies: %s", ", ".join(self.env.companies.sorted("name").mapped("name")))]
        if filters:
            lines.append(_("Filters: %s", "; ".join(filters)))
        return lines

    @api.model
    def _get_export_title(self):
        return _("Receivable aging as of %s", format_date(self.env, self._get_as_of_date()))

    @api.model
    def _export_xlsx(self, domain, filters=None):
        """The XLSX of the aging the screen shows (as-of date of the context, ``domain``)."""
        data = self._get_export_data(domain)
        keys = [key for key, _label in data["buckets"]]
        bucket_names = dict(data["buckets"])
        blocks = []
        for block in data["currencies"]:
            currency = block["currency"]
            items = []
            for item in block["items"]:
                items.append(
                    (
                        item.partner_id.display_name,
                        item.move_id.display_name,
                        item.date,
                        item.date_maturity,
                        item.days_overdue if item.bucket != "00" else None,
                        bucket_names.get(item.bucket, item.bucket),
                        item.item_currency_id.name,
                        item.amount,
                    )
                )
            blocks.append(
                {
                    "currency": {
                        "name": currency.name,
                        "symbol": currency.symbol,
                        "position": currency.position,
                        "digits": currency.decimal_places,
                    },
                    "customers": [
                        (partner.display_name, [amounts.get(key, 0.0) for key in keys], total)
                        for partner, amounts, total in block["customers"]
                    ],
                    "items": items,
                }
            )
        labels = {
            "customers": _("Customers"),
            "items": _("Items"),
            "customer": _("Customer"),
            "total": _("Total"),
            "entry": _("Entry"),
            "date": _("Date"),
            "due_date": _("Due Date"),
            "days_overdue": _("Days Overdue"),
            "bucket": _("Bucket"),
            "currency": _("Currency"),
            "amount": _("Open Amount"),
        }
        return build_live_aging_workbook(
            self._get_export_title(), self._get_export_header(filters), list(bucket_names.values()), blocks, labels
        )


class ReportCreditAgingLive(models.AbstractModel):
    """The PDF of the live aging: the screen's as-of date, filters and figures."""

    _name = "report.credit_control.report_credit_aging_live"
    _description = "Receivable Aging PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        live = self.env["credit.aging.live"]
        if data.get("as_of"):
            live = live.with_context(**{AS_OF_KEY: data["as_of"]})
        domain = data.get("domain") or []
        filters = data.get("filters") or []
        aging = live._get_export_data(domain)
        return {
            "doc_ids": [],
            "doc_model": "credit.aging.live",
            "docs": live,
            "title": live._get_export_title(),
            "header_lines": live._get_export_header(filters),
            "buckets": aging["buckets"],
            "currencies": aging["currencies"],
        }
