import base64
from collections import defaultdict

from odoo import _, api, fields, models

from ...report.aging.aging_xlsx import build_aging_workbook


class CreditAgingReport(models.Model):
    """An aging of receivables as of a date, for some companies, kept for comparison."""

    _name = "credit.aging.report"
    _description = "Receivable Aging Report"
    _order = "as_of_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    as_of_date = fields.Date(string="As of", required=True, default=fields.Date.context_today)
    basis = fields.Selection(
        [("due_date", "Due date"), ("invoice_date", "Invoice date")],
        string="Age By",
        required=True,
        default=lambda self: self.env.company.credit_aging_basis,
    )
    boundaries = fields.Char(
        string="Buckets", required=True, default=lambda self: self.env.company.credit_aging_boundaries
    )
    company_ids = fields.Many2many(
        "res.company", string="Companies", required=True, default=lambda self: self.env.companies
    )
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    # Filters: the lines shown, the totals and the XLSX export keep only the matching customers.
    user_ids = fields.Many2many("res.users", string="Salespeople")
    team_ids = fields.Many2many("crm.team", string="Sales Teams")
    country_ids = fields.Many2many("res.country", string="Countries")
    item_currency_ids = fields.Many2many("res.currency", "credit_aging_report_item_currency_rel", string="Currencies")
    bucket_ids = fields.One2many("credit.aging.bucket", "report_id", string="Buckets Totals", readonly=True)
    line_ids = fields.One2many("credit.aging.line", "report_id", readonly=True)
    line_count = fields.Integer(compute="_compute_totals")
    amount_total = fields.Monetary(compute="_compute_totals", string="Open Receivables")
    computed_on = fields.Datetime(readonly=True)
    company_dso = fields.Float(
        string="DSO (days)",
        compute="_compute_company_dso",
        help="Days sales outstanding of the current company at the report's date, by the countback method.",
    )
    company_dso_known = fields.Boolean(compute="_compute_company_dso")

    @api.depends("as_of_date")
    @api.depends_context("company")
    def _compute_company_dso(self):
        for report in self:
            dso = None
            if report.as_of_date:
                dso = self.env["credit.aging.snapshot"]._company_dso(self.env.company, report.as_of_date)
            report.company_dso = dso or 0.0
            report.company_dso_known = dso is not None

    @api.depends("as_of_date")
    def _compute_name(self):
        for report in self:
            report.name = _("Aging as of %s", report.as_of_date) if report.as_of_date else _("Aging")

    @api.depends("user_ids", "team_ids", "country_ids", "item_currency_ids", "computed_on")
    def _compute_totals(self):
        for report in self:
            [(count, amount)] = self.env["credit.aging.line"]._read_group(
                report._line_domain(), [], ["__count", "amount:sum"]
            )
            report.line_count, report.amount_total = count, amount or 0.0

    @api.constrains("boundaries")
    def _check_boundaries(self):
        for report in self:
            self.env["res.company"]._validate_aging_boundaries(report.boundaries, report.name)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_compute(self):
        for report in self:
            self.env["credit.aging"]._fill_report(report)
            report.computed_on = fields.Datetime.now()
        return self.action_view_lines()

    def action_view_lines(self):
        """The report's lines as a pivot (customer × bucket)."""
        return self._action_lines("pivot")

    def action_view_list(self):
        return self._action_lines("list")

    def action_export_xlsx(self):
        self.ensure_one()
        if not self.computed_on:
            self.action_compute()
        content = build_aging_workbook(
            _("Receivable aging as of %s", self.as_of_date),
            self._xlsx_header_lines(),
            self.bucket_ids.sorted("sequence").mapped("name"),
            self._xlsx_sheets(),
            customer_label=_("Customer"),
            total_label=_("Total"),
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": "aging-%s.xlsx" % self.as_of_date,
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/%s?download=true" % attachment.id,
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _line_domain(self):
        """The report's lines that match its filters."""
        self.ensure_one()
        domain = [("report_id", "=", self._origin.id)]
        for field_name, line_field in (
            ("user_ids", "user_id"),
            ("team_ids", "team_id"),
            ("country_ids", "country_id"),
            ("item_currency_ids", "item_currency_id"),
        ):
            if self[field_name]:
                domain.append((line_field, "in", self[field_name].ids))
        return domain

    def _filter_descriptions(self):
        """'Label: values' of each filter in use, for the export header."""
        descriptions = []
        for field_name in ("user_ids", "team_ids", "country_ids", "item_currency_ids"):
            if self[field_name]:
                label = self._fields[field_name]._description_string(self.env)
                descriptions.append("%s: %s" % (label, ", ".join(self[field_name].mapped("display_name"))))
        return descriptions

    def _get_boundaries(self):
        self.ensure_one()
        return self.env["res.company"]._validate_aging_boundaries(self.boundaries, self.name)

    def _action_lines(self, view_type):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_aging_line")
        action["domain"] = self._line_domain()
        action["name"] = self.name
        action["context"] = {"credit_aging_report_id": self.id}
        action["views"] = sorted(action["views"], key=lambda view: view[1] != view_type)
        return action

    def _xlsx_sheets(self):
        """[(company name, currency symbol, [(customer, [amount per bucket])])] from the lines."""
        self.ensure_one()
        buckets = self.bucket_ids.sorted("sequence")
        position = {bucket.id: index for index, bucket in enumerate(buckets)}
        per_company = defaultdict(lambda: defaultdict(lambda: [0.0] * len(buckets)))
        for company, partner, bucket, amount in self.env["credit.aging.line"]._read_group(
            self._line_domain(), ["company_id", "partner_id", "bucket_id"], ["amount:sum"]
        ):
            per_company[company][partner][position[bucket.id]] += amount
        sheets = []
        for company in self.company_ids.sorted("name"):
            rows = sorted(
                (
                    (partner.display_name, [round(amount, 2) for amount in amounts])
                    for partner, amounts in per_company[company].items()
                ),
                key=lambda row: row[0].lower(),
            )
            sheets.append((company.name, company.currency_id.symbol, rows))
        return sheets

    def _xlsx_header_lines(self):
        self.ensure_one()
        basis = dict(self._fields["basis"]._description_selection(self.env))[self.basis]
        lines = [
            _("Aged by: %s", basis),
            _("Buckets (days): %s", self.boundaries),
            _("Companies: %s", ", ".join(self.company_ids.sorted("name").mapped("name"))),
        ]
        filters = self._filter_descriptions()
        if filters:
            lines.append(_("Filters: %s", "; ".join(filters)))
        return lines
