from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..lib.aging import days_sales_outstanding
from ..lib.limits import CreditFigures, available_credit, days_past_due, effective_limit
from ..lib.registry import choose_providers
from .credit_aging_snapshot import DSO_PERIOD_DAYS
from .credit_registry_snapshot import REGISTRY_STATUSES
from .credit_scorecard_grade import GRADE_POLICIES

CREDIT_READ_GROUPS = "account.group_account_invoice,account.group_account_readonly,credit_control.group_credit_user"
# Fields only a credit manager may change; contacts share them with their commercial entity.
CREDIT_MANAGER_FIELDS = (
    "credit_limit",
    "credit_manual_rating",
    "credit_limit_temp_increase",
    "credit_limit_temp_expiry",
    "credit_hold",
    "credit_hold_reason",
    "credit_blacklisted",
    "credit_blacklist_reason",
)


MANUAL_RATING_SELECTION = [
    ("excellent", "Excellent"),
    ("good", "Good"),
    ("fair", "Fair"),
    ("poor", "Poor"),
    ("bad", "Bad"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Odoo's own company-dependent limit, tracked and readable by credit users.
    credit_limit = fields.Float(tracking=True, groups=CREDIT_READ_GROUPS)
    credit_limit_temp_increase = fields.Float(
        string="Temporary Increase",
        company_dependent=True,
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="Added to the credit limit up to and including the expiry date.",
    )
    credit_limit_temp_expiry = fields.Date(
        string="Increase Expires On",
        company_dependent=True,
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
    )
    credit_hold = fields.Boolean(
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="Hold every order of this customer at confirmation until a credit manager releases it.",
    )
    credit_hold_reason = fields.Char(string="Hold Reason", copy=False, tracking=True, groups=CREDIT_READ_GROUPS)
    credit_blacklisted = fields.Boolean(
        string="Blacklisted",
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="Never sell on credit to this customer: every order is held at confirmation.",
    )
    credit_blacklist_reason = fields.Char(
        string="Blacklist Reason", copy=False, tracking=True, groups=CREDIT_READ_GROUPS
    )

    # Figures of the commercial entity in the current company (batch SQL, not stored).
    credit_currency_id = fields.Many2one("res.currency", compute="_compute_credit_currency_id")
    credit_limit_effective = fields.Monetary(
        string="Limit in Force",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        help="Credit limit plus any unexpired temporary increase.",
    )
    credit_receivable = fields.Monetary(
        string="Open Receivables",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
    )
    credit_draft_invoices = fields.Monetary(
        string="Draft Invoices",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
    )
    credit_orders_to_invoice = fields.Monetary(
        string="Orders to Invoice",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
    )
    credit_exposure = fields.Monetary(
        string="Exposure",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        help="Open receivables + draft invoices net of refunds + confirmed orders not invoiced yet.",
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
    )
    credit_overdue = fields.Monetary(
        string="Overdue",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
    )
    credit_overdue_days = fields.Integer(
        string="Days Past Due",
        compute="_compute_credit_figures",
        groups=CREDIT_READ_GROUPS,
        help="Days since the due date of the oldest overdue item.",
    )
    credit_hold_count = fields.Integer(compute="_compute_credit_hold_count", groups=CREDIT_READ_GROUPS)
    credit_aging_html = fields.Html(
        string="Aging", compute="_compute_credit_aging", sanitize=False, groups=CREDIT_READ_GROUPS
    )
    credit_dso = fields.Float(
        string="DSO (days)",
        compute="_compute_credit_aging",
        groups=CREDIT_READ_GROUPS,
        help="Days sales outstanding: open receivables / invoiced over the last 90 days × 90.",
    )
    credit_is_manager = fields.Boolean(
        compute="_compute_credit_is_manager", help="Whether the current user may change credit settings."
    )

    # --- scoring (credit.score): readable by salespeople, changed by credit managers only ---
    credit_manual_rating = fields.Selection(
        MANUAL_RATING_SELECTION,
        string="Manual Rating",
        tracking=True,
        help="A credit manager's own judgement (references, collateral…), a factor of the score.",
    )
    credit_score = fields.Float(compute="_compute_credit_score", digits=(16, 1))
    credit_grade = fields.Char(compute="_compute_credit_score", search="_search_credit_grade")
    credit_score_date = fields.Date(string="Scored On", compute="_compute_credit_score")
    credit_suggested_limit = fields.Monetary(
        string="Suggested Limit",
        compute="_compute_credit_score",
        currency_field="credit_currency_id",
        help="The credit limit the scorecard suggests from the grade and the last 12 months of sales.",
    )
    credit_grade_policy = fields.Selection(GRADE_POLICIES, string="Grade Policy", compute="_compute_credit_score")
    credit_score_explanation = fields.Html(string="Score Explanation", compute="_compute_credit_score", sanitize=False)

    # --- dunning (credit.dunning.*): begin ---
    credit_dunning_policy_id = fields.Many2one(
        "credit.dunning.policy",
        string="Dunning Policy",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        domain="[('company_id', 'in', allowed_company_ids)]",
        help="How this customer is reminded of overdue items; empty: the company's default policy.",
    )
    credit_dunning_dispute = fields.Boolean(
        string="Dunning Paused (Dispute)",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="The customer disputes its items: no dunning until this is cleared.",
    )
    credit_promise_date = fields.Date(
        string="Promised Payment Date",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="The customer promised to pay by this date: no dunning until then; if the promised amount "
        "is not paid by then, the dunning escalates.",
    )
    credit_promise_amount = fields.Float(
        string="Promised Amount",
        company_dependent=True,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="Amount the customer promised to pay, in company currency.",
    )
    credit_promise_since = fields.Date(
        string="Promise Recorded On",
        company_dependent=True,
        groups=CREDIT_READ_GROUPS,
        help="Payments from this date on count towards the promise.",
    )
    credit_dunning_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Dunning Level",
        compute="_compute_credit_dunning_level",
        groups=CREDIT_READ_GROUPS,
        help="Highest dunning level sent for items still unpaid.",
    )
    credit_dunning_level_rank = fields.Integer(
        string="Dunning Level Rank",
        compute="_compute_credit_dunning_level",
        search="_search_credit_dunning_level_rank",
        groups=CREDIT_READ_GROUPS,
        help="Position of the current dunning level in its policy (1 = first level, 0 = none).",
    )
    credit_dunning_hold_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Held by Dunning Level",
        compute="_compute_credit_dunning_level",
        groups=CREDIT_READ_GROUPS,
        help="The dunning level that puts this customer's orders on credit hold.",
    )
    credit_dunning_count = fields.Integer(
        string="Dunning Communications", compute="_compute_credit_dunning_count", groups=CREDIT_READ_GROUPS
    )
    # --- dunning: end ---

    @api.depends_context("uid")
    def _compute_credit_is_manager(self):
        self.credit_is_manager = self.env.user.has_group("credit_control.group_credit_manager")

    @api.depends_context("company")
    def _compute_credit_score(self):
        commercial = self.commercial_partner_id._origin
        current = self.env["credit.score"]._current_scores(commercial.ids, self.env.company)
        for partner in self:
            score = current.get(partner.commercial_partner_id._origin.id)
            partner.credit_score = score.score if score else 0.0
            partner.credit_grade = score.grade if score else False
            partner.credit_score_date = score.checked_date if score else False
            partner.credit_suggested_limit = score.suggested_limit if score else 0.0
            partner.credit_grade_policy = score.grade_id.policy if score else False
            partner.credit_score_explanation = score.explanation_html if score else False

    def _search_credit_grade(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Unsupported search on the credit grade: %s", operator))
        grades = [value] if isinstance(value, str) else list(value or [])
        self.env["credit.score"].flush_model(["partner_id", "company_id", "grade", "is_current"])
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM credit_score WHERE is_current AND company_id = %s AND grade = ANY(%s)",
                self.env.company.id,
                grades,
            )
        )
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        in_operator = "in" if operator in ("=", "in") else "not in"
        return [("commercial_partner_id", in_operator, partner_ids)]

    @api.depends_context("company")
    def _compute_credit_currency_id(self):
        self.credit_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    @api.depends("credit_limit", "credit_limit_temp_increase", "credit_limit_temp_expiry")
    def _compute_credit_figures(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id._origin.filtered("id")
        figures = self.env["credit.exposure"].sudo()._get_figures(commercials, company, today=today)
        for partner in self:
            commercial = partner.commercial_partner_id
            figure = figures.get(commercial._origin.id) or CreditFigures()
            limit = effective_limit(
                commercial.credit_limit,
                commercial.credit_limit_temp_increase,
                commercial.credit_limit_temp_expiry,
                today,
            )
            partner.credit_limit_effective = limit
            partner.credit_receivable = figure.receivable
            partner.credit_draft_invoices = figure.draft_invoices
            partner.credit_orders_to_invoice = figure.orders_to_invoice
            partner.credit_exposure = figure.exposure
            partner.credit_available = available_credit(limit, figure.exposure)
            partner.credit_overdue = figure.overdue
            partner.credit_overdue_days = days_past_due(figure.oldest_overdue_date, today)

    @api.depends_context("company")
    def _compute_credit_aging(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id._origin.filtered("id")
        aging = self.env["credit.aging"].sudo()
        totals = aging._get_aging_totals(company, today, partner_ids=commercials.ids) if commercials else {}
        period = DSO_PERIOD_DAYS
        sales = (
            aging._get_credit_sales(company, today - timedelta(days=period), today, commercials.ids)
            if commercials
            else {}
        )
        names = aging._bucket_names(company._validate_aging_boundaries(company.credit_aging_boundaries, company.name))
        for partner in self:
            commercial_id = partner.commercial_partner_id._origin.id
            amounts = totals.get(commercial_id) or [0.0] * len(names)
            partner.credit_dso = days_sales_outstanding(sum(amounts), sales.get(commercial_id), period) or 0.0
            partner.credit_aging_html = self._credit_aging_table(names, amounts, company.currency_id)

    def _credit_aging_table(self, names, amounts, currency):
        head = Markup("").join(Markup('<th class="text-end">%s</th>') % name for name in names)
        cells = Markup("").join(
            Markup('<td class="text-end">%s</td>') % formatLang(self.env, amount, currency_obj=currency)
            for amount in amounts
        )
        return Markup('<table class="table table-sm o_credit_aging_table"><tr>%s</tr><tr>%s</tr></table>') % (
            head,
            cells,
        )

    def _compute_credit_hold_count(self):
        commercials = self.commercial_partner_id._origin.filtered("id")
        counts = dict(
            self.env["credit.hold"]._read_group(
                [("partner_id", "in", commercials.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_hold_count = counts.get(partner.commercial_partner_id._origin, 0)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [field for field in CREDIT_MANAGER_FIELDS if field != "credit_limit"]

    # ------------------------------------------------------------------
    # Who may change credit settings, and with which values
    # ------------------------------------------------------------------

    @api.constrains("credit_limit", "credit_limit_temp_increase")
    def _check_credit_limit_not_negative(self):
        for partner in self:
            if partner.credit_limit < 0 or partner.credit_limit_temp_increase < 0:
                raise ValidationError(
                    _(
                        "The credit limit and its temporary increase of %s cannot be negative.",
                        partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if any(vals.get(name) for name in CREDIT_MANAGER_FIELDS):
                self._check_credit_manager()
            self._check_credit_temp_increase(vals)
        return super().create(vals_list)

    def write(self, vals):
        changing = [name for name in CREDIT_MANAGER_FIELDS if name in vals]
        if changing and self._credit_values_change(vals, changing):
            self._check_credit_manager()
            self._check_credit_temp_increase(vals)
        return super().write(vals)

    def _credit_values_change(self, vals, names):
        """Whether ``vals`` really changes a credit field of some partner.

        Commercial sync copies the commercial entity's values onto its contacts: a value
        equal to the partner's own, or to its commercial entity's, is no change.
        """
        for partner in self.sudo():
            commercial = partner.commercial_partner_id
            for name in names:
                field = self._fields[name]
                new = field.convert_to_cache(vals[name], partner)
                if new == field.convert_to_cache(partner[name], partner):
                    continue
                if commercial != partner and new == field.convert_to_cache(commercial[name], partner):
                    continue
                return True
        return False

    def _check_credit_manager(self):
        if self.env.su or self.env.user.has_group("credit_control.group_credit_manager"):
            return
        raise AccessError(_("Only credit managers can change credit limits, credit holds and blacklists."))

    def _check_credit_temp_increase(self, vals):
        """A temporary increase needs an expiry date, and that date cannot be past."""
        if "credit_limit_temp_expiry" not in vals and "credit_limit_temp_increase" not in vals:
            return
        expiry = vals.get("credit_limit_temp_expiry")
        if expiry and fields.Date.to_date(expiry) < fields.Date.context_today(self):
            raise ValidationError(_("The temporary credit increase cannot expire in the past."))
        if not vals.get("credit_limit_temp_increase"):
            return
        if "credit_limit_temp_expiry" in vals:
            has_expiry = bool(expiry)
        else:
            has_expiry = bool(self) and all(self.sudo().mapped("credit_limit_temp_expiry"))
        if not has_expiry:
            raise ValidationError(_("A temporary credit increase needs an expiry date."))

    # ------------------------------------------------------------------
    # Scoring actions
    # ------------------------------------------------------------------

    def action_credit_compute_score(self):
        """Score these customers now (the daily cron scores everyone with activity)."""
        if not self.env.user.has_group("credit_control.group_credit_user"):
            raise AccessError(_("Only credit users can compute credit scores."))
        self.env["credit.score"]._run_scoring(self.env.company, partners=self.commercial_partner_id)
        return True

    def action_credit_apply_suggested_limit(self):
        """Set the credit limit to the suggested one (tracked in the chatter)."""
        self._check_credit_manager()
        for partner in self.commercial_partner_id:
            if not partner.credit_score_date:
                raise UserError(
                    _("%(partner)s has no credit score yet: compute it first.", partner=partner.display_name)
                )
            partner.credit_limit = partner.credit_suggested_limit
        return True

    def action_view_credit_scores(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_score")
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Drill-down from the Credit tab
    # ------------------------------------------------------------------

    def _credit_action(self, name, res_model, domain, views=None, context=None):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "view_mode": "list,form",
            "views": views or [(False, "list"), (False, "form")],
            "domain": domain,
            "context": dict(context or {}, create=False),
        }

    def action_view_credit_receivables(self):
        self.ensure_one()
        return self._credit_action(
            _("Open Receivables of %s", self.commercial_partner_id.display_name),
            "account.move.line",
            self.env["credit.exposure"]._receivable_lines_domain(self, self.env.company),
            views=[(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")],
        )

    def action_view_credit_overdue(self):
        self.ensure_one()
        return self._credit_action(
            _("Overdue Items of %s", self.commercial_partner_id.display_name),
            "account.move.line",
            self.env["credit.exposure"]._receivable_lines_domain(self, self.env.company, overdue_only=True),
            views=[(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")],
        )

    def action_view_credit_draft_invoices(self):
        self.ensure_one()
        return self._credit_action(
            _("Draft Invoices of %s", self.commercial_partner_id.display_name),
            "account.move",
            self.env["credit.exposure"]._draft_invoices_domain(self, self.env.company),
            views=[(self.env.ref("account.view_out_invoice_tree").id, "list"), (False, "form")],
        )

    def action_view_credit_orders(self):
        self.ensure_one()
        order_ids = self.env["credit.exposure"]._get_orders_to_invoice_ids(self, self.env.company)
        return self._credit_action(
            _("Orders to Invoice of %s", self.commercial_partner_id.display_name),
            "sale.order",
            [("id", "in", order_ids)],
        )

    def action_view_credit_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_hold")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Dunning (credit.dunning.*): begin
    # ------------------------------------------------------------------

    @api.depends_context("company")
    def _compute_credit_dunning_level(self):
        commercials = self.commercial_partner_id._origin.filtered("id")
        levels = self.env["credit.dunning.line"].sudo()._open_levels(self.env.company, commercials.ids)
        level_model = self.env["credit.dunning.level"]
        for partner in self:
            level_id, rank, holds = levels.get(partner.commercial_partner_id._origin.id, (False, 0, False))
            partner.credit_dunning_level_id = level_model.browse(level_id)
            partner.credit_dunning_level_rank = rank
            partner.credit_dunning_hold_level_id = level_model.browse(level_id if holds else False)

    def _search_credit_dunning_level_rank(self, operator, value):
        """Customers at a dunning level: ``('credit_dunning_level_rank', '>=', 3)``."""
        comparisons = {
            "=": lambda rank: rank == value,
            "!=": lambda rank: rank != value,
            ">": lambda rank: rank > value,
            ">=": lambda rank: rank >= value,
            "<": lambda rank: rank < value,
            "<=": lambda rank: rank <= value,
        }
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if operator not in comparisons or value is None:
            raise UserError(
                _("Unsupported search on the dunning level: %(operator)s %(value)s", operator=operator, value=value)
            )
        matches = comparisons[operator]
        ranks = self.env["credit.dunning.line"].sudo()._open_levels(self.env.company)
        if matches(0):
            others = [partner_id for partner_id, (_level, rank, _hold) in ranks.items() if not matches(rank)]
            return [("commercial_partner_id", "not in", others)]
        return [("commercial_partner_id", "in", [pid for pid, (_level, rank, _hold) in ranks.items() if matches(rank)])]

    def _compute_credit_dunning_count(self):
        commercials = self.commercial_partner_id._origin.filtered("id")
        counts = dict(
            self.env["credit.dunning.communication"]
            .sudo()
            ._read_group(
                [("partner_id", "in", commercials.ids), ("company_id", "=", self.env.company.id)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_dunning_count = counts.get(partner.commercial_partner_id._origin, 0)

    def action_view_credit_dunning(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_dunning_communication")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    def action_credit_record_promise(self):
        self.ensure_one()
        return self.env["credit.dunning.promise"]._open_for(partner=self.commercial_partner_id)

    # --- dunning: end ---

    # --- registry (credit.registry.*): begin ---
    credit_registry_lei = fields.Char(
        string="LEI", copy=False, help="Legal Entity Identifier (20 characters), checked against GLEIF."
    )
    credit_registry_uscc = fields.Char(
        string="Unified Social Credit Code",
        copy=False,
        help="The 18-character code of a Chinese company; when empty, its VAT number is used.",
    )
    credit_registry_status = fields.Selection(
        REGISTRY_STATUSES,
        string="Registry Status",
        default="unknown",
        readonly=True,
        copy=False,
        help="The worst status among the last answers of the registries checked; unknown when none answered. "
        "A failed check never changes it.",
    )
    credit_registry_founded_on = fields.Date(
        string="Founded On", readonly=True, copy=False, help="The company's creation date, as a registry gives it."
    )
    credit_registry_checked_on = fields.Datetime(
        string="Registry Checked On", readonly=True, copy=False, help="When a registry last answered."
    )
    credit_registry_snapshot_id = fields.Many2one(
        "credit.registry.snapshot",
        string="Registry Answer",
        readonly=True,
        copy=False,
        groups=CREDIT_READ_GROUPS,
        help="The registry answer the registry status comes from.",
    )
    credit_registry_snapshot_ids = fields.One2many(
        "credit.registry.snapshot", "partner_id", string="Registry History", readonly=True, groups=CREDIT_READ_GROUPS
    )
    credit_registry_latest_ids = fields.One2many(
        "credit.registry.snapshot",
        "partner_id",
        string="Latest Registry Answers",
        domain=[("is_latest", "=", True)],
        readonly=True,
        groups=CREDIT_READ_GROUPS,
    )
    credit_registry_snapshot_count = fields.Integer(
        string="Registry Checks", compute="_compute_credit_registry_snapshot_count", groups=CREDIT_READ_GROUPS
    )

    def _compute_credit_registry_snapshot_count(self):
        counts = dict(
            self.env["credit.registry.snapshot"]
            .sudo()
            ._read_group([("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.credit_registry_snapshot_count = counts.get(partner.commercial_partner_id._origin, 0)

    def _credit_registry_identifiers(self):
        """{provider code: identifier} worth asking about this company, from its country and numbers."""
        self.ensure_one()
        country = self.country_id.code
        return dict(
            choose_providers(
                country,
                vat=self.vat,
                company_registry=self.company_registry,
                lei=self.credit_registry_lei,
                unified_social_credit_code=self.credit_registry_uscc or (self.vat if country == "CN" else None),
            )
        )

    def _credit_registry_pairs(self, providers):
        """[(commercial partner, provider, identifier)] of the ``providers`` that know these companies."""
        pairs = []
        for partner in self.commercial_partner_id.sudo():
            identifiers = partner._credit_registry_identifiers()
            for provider in providers.filtered(lambda provider, known=identifiers: provider.code in known):
                pairs.append((partner, provider, identifiers[provider.code]))
        return pairs

    def _credit_registry_request(self):
        """Queue these customers for the registries that know them and trigger the refresh, which runs
        in the background; returns the number of checks queued."""
        providers = self.env["credit.registry.provider"]._enabled_providers()
        pairs = self._credit_registry_pairs(providers)
        if pairs:
            providers._queue([(partner.id, provider.id) for partner, provider, _identifier in pairs])
            self.env.ref("credit_control.ir_cron_credit_registry_refresh").sudo()._trigger()
        return len(pairs)

    def _check_credit_registry_user(self):
        if not self.env.user.has_group("credit_control.group_credit_user"):
            raise AccessError(_("Only credit users can check customers against registries."))

    def action_credit_registry_fetch(self):
        """Ask the registries about this customer now: the one place a user waits on a registry.

        Providers whose calls of the minute are used up, or that back off after a 429, are not
        called: the customer is queued for them and the refresh runs when they allow it.
        """
        self._check_credit_registry_user()
        providers = self.env["credit.registry.provider"]._enabled_providers()
        pairs = self._credit_registry_pairs(providers)
        if not pairs:
            raise UserError(
                _(
                    "No enabled registry knows %(partner)s: set its country and its VAT number, company ID, LEI "
                    "or unified social credit code, and enable a provider in Credit Control > Configuration > "
                    "Registry Providers.",
                    partner=", ".join(self.commercial_partner_id.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        calls_left = providers._calls_left(now)
        to_call = []
        for pair in pairs:
            if calls_left[pair[1].id] > 0:
                calls_left[pair[1].id] -= 1
                to_call.append(pair)
        snapshots = self.env["credit.registry.snapshot"]._fetch(to_call, user=self.env.user)
        # refused with a 429: queued, asked again once the provider's back-off ends
        answered = {
            (snapshot.partner_id.id, snapshot.provider_id.id) for snapshot in snapshots if snapshot.http_status != 429
        }
        providers._unqueue(list(answered))
        waiting = [
            (partner, provider) for partner, provider, _identifier in pairs if (partner.id, provider.id) not in answered
        ]
        if waiting:
            providers._queue([(partner.id, provider.id) for partner, provider in waiting])
            cron = self.env.ref("credit_control.ir_cron_credit_registry_refresh").sudo()
            cron._trigger(at=min(provider._next_window(now) for _partner, provider in waiting))
        return self._credit_registry_notification(snapshots, waiting)

    def _credit_registry_notification(self, snapshots, waiting):
        labels = dict(self.env["credit.registry.snapshot"]._fields["status"]._description_selection(self.env))
        lines = []
        for snapshot in snapshots:
            if snapshot.error:
                lines.append(
                    _(
                        "%(provider)s: no answer (%(error)s)",
                        provider=snapshot.provider_id.name,
                        error=snapshot.error_label,
                    )
                )
            else:
                lines.append(
                    _("%(provider)s: %(status)s", provider=snapshot.provider_id.name, status=labels[snapshot.status])
                )
        for _partner, provider in waiting:
            lines.append(
                _("%(provider)s: too many calls for now, checked in the background later", provider=provider.name)
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if waiting or any(snapshots.mapped("error")) else "success",
                "title": _("Registry check"),
                "message": "\n".join(lines),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_credit_registry_request(self):
        """From the customer list: check the selected customers in the background."""
        self._check_credit_registry_user()
        count = self._credit_registry_request()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info" if count else "warning",
                "message": _("%(count)s registry checks queued; they run in the background.", count=count)
                if count
                else _("No enabled registry knows the selected customers."),
            },
        }

    def action_view_credit_registry_snapshots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_registry_snapshot")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    # --- registry: end ---
