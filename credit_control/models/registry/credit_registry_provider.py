import time
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ...lib.registry import CLIENTS, get_client
from ...lib.registry.base import COMPANY_REGISTRY, LEI, USCC, VAT, registered_clients
from .credit_registry_fetcher import RUN_SECONDS

# A provider answering 429 without saying how long to wait is left alone this long.
DEFAULT_BACKOFF_SECONDS = 60
RATE_WINDOW = timedelta(minutes=1)


class CreditRegistryProvider(models.Model):
    """One registry the customers' companies are checked against, and how to call it.

    The code names the client of ``lib/registry`` that speaks the provider's API; the list of
    codes, what each registry accepts and where it looks are read from the clients. Providers
    are shared by all companies: what a registry says about a company does not depend on who
    asks. The API key and secret are readable by administrators only; the calls made in the
    last minute (one snapshot each) count against the rate limit, and a 429 answer makes the
    provider back off until ``next_call_after``.
    """

    _name = "credit.registry.provider"
    _description = "Registry Provider"
    _order = "sequence, id"
    _sql_constraints = [
        ("code_unique", "unique(code)", "There is already a provider for this registry."),
        ("timeout_positive", "CHECK(timeout > 0 AND timeout <= 120)", "The timeout must be between 0 and 120 seconds."),
        ("rate_limit_positive", "CHECK(rate_limit > 0)", "The rate limit must be at least one call per minute."),
        ("stale_positive", "CHECK(stale_after_days > 0)", "The refresh delay must be at least one day."),
        ("retry_positive", "CHECK(retry_minutes > 0)", "The retry delay must be at least one minute."),
        ("budget_positive", "CHECK(monthly_call_budget >= 0)", "The monthly call budget cannot be negative."),
        ("min_age_positive", "CHECK(min_age_days >= 0)", "The minimum age before a new check cannot be negative."),
    ]

    name = fields.Char(required=True)
    code = fields.Selection(selection="_selection_code", string="Registry", required=True)
    sequence = fields.Integer(default=10)
    enabled = fields.Boolean(
        help="Check customers against this registry. Disabled providers are never called: enabling one sends "
        "your customers' identifiers (VAT number, company number, LEI…) to that registry.",
    )
    base_url = fields.Char(
        string="Base URL",
        compute="_compute_base_url",
        store=True,
        readonly=False,
        help="Address of the provider's API; the default is the provider's public service.",
    )
    api_key = fields.Char(string="API Key", groups="base.group_system", copy=False)
    api_secret = fields.Char(
        string="API Secret",
        groups="base.group_system",
        copy=False,
        help="Secret key signing each call, for providers that use one (Qichacha).",
    )
    has_api_key = fields.Boolean(string="API Key Set", compute="_compute_has_api_key", compute_sudo=True)
    requires_api_key = fields.Boolean(string="Requires API Key", compute="_compute_client_description")
    uses_api_secret = fields.Boolean(string="Uses API Secret", compute="_compute_client_description")
    uses_requester_vat = fields.Boolean(string="Uses Requester VAT Number", compute="_compute_client_description")
    accepted_identifiers = fields.Char(
        string="Identifiers",
        compute="_compute_client_description",
        help="The customer's numbers this registry is asked about, the first one it accepts.",
    )
    country_ids = fields.Many2many(
        "res.country",
        string="Countries",
        compute="_compute_client_description",
        help="Customers of these countries are checked against this registry; empty: any country.",
    )
    requester_vat = fields.Char(
        string="Requester VAT Number",
        help="Your own VAT number, sent to VIES so that it returns a consultation number proving the check. "
        "Empty: the VAT number of the company running the check.",
    )
    timeout = fields.Float(string="Timeout (Seconds)", default=10.0, required=True)
    rate_limit = fields.Integer(
        string="Calls per Minute", default=30, required=True, help="At most this many calls in any minute."
    )
    stale_after_days = fields.Integer(
        string="Refresh After (Days)",
        default=30,
        required=True,
        help="The scheduled refresh checks a customer again once its last answer is this old.",
    )
    retry_minutes = fields.Integer(
        string="Retry Failed Calls After (Minutes)",
        default=60,
        required=True,
        help="A call that failed on a timeout, a connection or provider error is made again after this delay.",
    )
    next_call_after = fields.Datetime(
        string="Backing Off Until",
        readonly=True,
        copy=False,
        help="The provider asked to slow down (HTTP 429): no call before this time.",
    )
    pending_partner_ids = fields.Many2many(
        "res.partner",
        "credit_registry_pending_rel",
        "provider_id",
        "partner_id",
        string="Queued Customers",
        readonly=True,
        copy=False,
        help="Customers waiting for a check by the scheduled refresh.",
    )
    legal_risk_enabled = fields.Boolean(
        string="Legal Risk Records",
        help="With each check, also fetch the court, dishonesty and penalty records the provider lists: one paid "
        "call per kind of record, after the company's details.",
    )
    supports_legal_risk = fields.Boolean(string="Lists Legal Risk Records", compute="_compute_client_description")
    monthly_call_budget = fields.Integer(
        help="At most this many calls in a calendar month (UTC), legal-risk calls included; 0: no budget. "
        "Customers beyond it wait for the next month.",
    )
    min_age_days = fields.Integer(
        string="Minimum Age Before a New Check (Days)",
        help="A customer this provider answered about less than this many days ago is not asked about again, "
        "even from the button or the queue; 0: no minimum.",
    )
    budget_month = fields.Date(readonly=True, copy=False)
    budget_calls = fields.Integer(string="Calls Counted", readonly=True, copy=False)
    calls_this_month = fields.Integer(compute="_compute_budget")
    calls_left_this_month = fields.Integer(compute="_compute_budget", help="-1: no budget.")
    refresh_note = fields.Char(
        string="Last Refresh", readonly=True, copy=False, help="What the scheduled refresh did and skipped last."
    )
    pending_count = fields.Integer(string="Queued", compute="_compute_counts")
    snapshot_count = fields.Integer(string="Checks", compute="_compute_counts")

    @api.depends("code")
    def _compute_base_url(self):
        for provider in self:
            if not provider.base_url and provider.code in CLIENTS:
                provider.base_url = CLIENTS[provider.code].default_base_url

    @api.depends("api_key")
    def _compute_has_api_key(self):
        for provider in self:
            provider.has_api_key = bool(provider.api_key)

    @api.depends("code")
    def _compute_client_description(self):
        """What the provider's client says about itself: its needs, identifiers and countries."""
        labels = self._identifier_labels()
        clients = [CLIENTS.get(code) for code in set(self.mapped("code"))]
        country_codes = {code for client_class in clients if client_class for code in client_class.countries or ()}
        countries = self.env["res.country"].search([("code", "in", sorted(country_codes))]) if country_codes else None
        for provider in self:
            client_class = CLIENTS.get(provider.code)
            provider.requires_api_key = bool(client_class and client_class.requires_api_key)
            provider.uses_api_secret = bool(client_class and client_class.uses_secret)
            provider.uses_requester_vat = bool(client_class and client_class.uses_requester_vat)
            provider.supports_legal_risk = bool(client_class and client_class.risk_endpoints)
            provider.accepted_identifiers = (
                ", ".join(labels[identifier] for identifier in client_class.identifiers) if client_class else False
            )
            provider.country_ids = (
                countries.filtered(lambda country, covered=client_class.countries: country.code in covered)
                if client_class and client_class.countries
                else False
            )

    @api.depends("budget_month", "budget_calls", "monthly_call_budget")
    def _compute_budget(self):
        month = self._budget_month()
        for provider in self:
            used = provider.budget_calls if provider.budget_month == month else 0
            provider.calls_this_month = used
            provider.calls_left_this_month = (
                max(provider.monthly_call_budget - used, 0) if provider.monthly_call_budget else -1
            )

    def _compute_counts(self):
        self.flush_model(["pending_partner_ids"])
        self.env.cr.execute(
            SQL(
                "SELECT provider_id, count(*) FROM credit_registry_pending_rel WHERE provider_id = ANY(%s) "
                "GROUP BY provider_id",
                self.ids,
            )
        )
        pending = dict(self.env.cr.fetchall())
        snapshots = dict(
            self.env["credit.registry.snapshot"]._read_group(
                [("provider_id", "in", self.ids)], ["provider_id"], ["__count"]
            )
        )
        for provider in self:
            provider.pending_count = pending.get(provider._origin.id, 0)
            provider.snapshot_count = snapshots.get(provider._origin, 0)

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------

    @api.model
    def _selection_code(self):
        """One registry per client registered in ``lib/registry``, in the order they are asked."""
        return [(client_class.code, client_class.label) for client_class in registered_clients()]

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("enabled", "api_key", "code")
    def _check_api_key(self):
        for provider in self.sudo():
            if provider.enabled and provider.requires_api_key and not provider.api_key:
                raise ValidationError(
                    _(
                        "%(provider)s needs an API key: an administrator sets it before the provider is enabled.",
                        provider=provider.name,
                    )
                )

    @api.constrains("base_url")
    def _check_base_url(self):
        for provider in self:
            if not (provider.base_url or "").startswith(("https://", "http://")):
                raise ValidationError(
                    _("The base URL of %(provider)s must start with https:// or http://.", provider=provider.name)
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_snapshots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_registry_snapshot")
        action["domain"] = [("provider_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_refresh_now(self):
        """Run the scheduled refresh as soon as possible (in the background)."""
        self.env["credit.registry.fetcher"]._trigger_refresh()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _("The registry refresh will run in the background shortly."),
            },
        }

    # ------------------------------------------------------------------
    # Calling the provider
    # ------------------------------------------------------------------

    @api.model
    def _identifier_labels(self):
        """{identifier type of lib/registry: its name for users}."""
        return {
            VAT: _("VAT number"),
            COMPANY_REGISTRY: _("Company ID"),
            LEI: _("LEI"),
            USCC: _("Unified social credit code"),
        }

    def _credit_refresh_batch(self, limit):
        """One batch of the refresh as a job (``credit.batch``): up to ``limit`` calls within the
        minute's calls left, then the refresh is triggered again for what remains."""
        self.ensure_one()
        fetcher = self.env["credit.registry.fetcher"]
        now = fields.Datetime.now()
        limit = min(limit, self._calls_left(now)[self.id])
        if limit > 0:
            fetcher._refresh_provider(self, limit, now, time.monotonic() + RUN_SECONDS)
        fetcher._trigger_refresh()

    @api.model
    def _enabled_providers(self):
        return self.sudo().search([("enabled", "=", True)])

    def _client(self, session=None):
        """The lib client configured with this provider's settings (read as superuser)."""
        self.ensure_one()
        provider = self.sudo()
        client_class = CLIENTS[provider.code]
        config = {
            "base_url": provider.base_url,
            "api_key": provider.api_key or None,
            "timeout": provider.timeout,
            "session": session,
        }
        if client_class.uses_secret:
            config["secret"] = provider.api_secret or None
        return get_client(provider.code, **config)

    def _fetch_kwargs(self):
        """Extra arguments of the client's fetch: the requester's VAT number for the clients that
        send it (VIES)."""
        self.ensure_one()
        client_class = CLIENTS.get(self.code)
        if client_class and client_class.uses_requester_vat:
            return {"requester_vat": self.requester_vat or self.env.company.vat or None}
        return {}

    def _calls_left(self, now):
        """{provider id: checks of a customer allowed now}: the rate limit minus the calls of the last
        minute, within the month's budget, divided by the calls one check makes; 0 while backing
        off after a 429."""
        self.env["credit.registry.snapshot"].flush_model(["provider_id", "date", "call_count"])
        self.env.cr.execute(
            SQL(
                "SELECT provider_id, sum(call_count) FROM credit_registry_snapshot "
                "WHERE provider_id = ANY(%s) AND date > %s GROUP BY provider_id",
                self.ids,
                now - RATE_WINDOW,
            )
        )
        calls = dict(self.env.cr.fetchall())
        budget = self._budget_checks_left()
        left = {}
        for provider in self:
            if provider._backing_off(now):
                left[provider.id] = 0
                continue
            checks = max(provider.rate_limit - calls.get(provider.id, 0), 0) // provider._calls_per_check()
            if budget[provider.id] is not None:
                checks = min(checks, budget[provider.id])
            left[provider.id] = checks
        return left

    def _calls_per_check(self):
        """Calls one check of a customer makes: the company's details, then one per kind of legal-risk
        record when they are fetched."""
        self.ensure_one()
        client_class = CLIENTS.get(self.code)
        risk_calls = len(client_class.risk_endpoints) if client_class and self.legal_risk_enabled else 0
        return 1 + risk_calls

    # ------------------------------------------------------------------
    # Monthly call budget and minimum age
    # ------------------------------------------------------------------

    @api.model
    def _budget_month(self):
        return fields.Date.today().replace(day=1)

    def _budget_checks_left(self):
        """{provider id: checks the month's budget still allows, None without a budget}."""
        month = self._budget_month()
        left = {}
        for provider in self:
            if not provider.monthly_call_budget:
                left[provider.id] = None
                continue
            used = provider.budget_calls if provider.budget_month == month else 0
            left[provider.id] = max(provider.monthly_call_budget - used, 0) // provider._calls_per_check()
        return left

    def _reserve_checks(self, checks):
        """Count the calls of up to ``checks`` checks against the month's budget before making them;
        returns the checks granted. One UPDATE on the provider's row, which it locks: two refreshes
        running at once never spend the same calls."""
        self.ensure_one()
        per_check = self._calls_per_check()
        if checks <= 0:
            return 0
        self.flush_recordset(["budget_month", "budget_calls", "monthly_call_budget"])
        month = self._budget_month()
        self.env.cr.execute(
            SQL(
                """
                WITH current AS (
                    SELECT id, COALESCE(monthly_call_budget, 0) AS budget,
                           CASE WHEN budget_month = %(month)s THEN COALESCE(budget_calls, 0) ELSE 0 END AS used
                      FROM credit_registry_provider
                     WHERE id = %(id)s
                       FOR NO KEY UPDATE
                ), granted AS (
                    SELECT id, used,
                           CASE WHEN budget = 0 THEN %(checks)s
                                ELSE LEAST(%(checks)s, GREATEST(budget - used, 0) / %(per_check)s)
                           END AS checks
                      FROM current
                )
                UPDATE credit_registry_provider provider
                   SET budget_month = %(month)s, budget_calls = granted.used + granted.checks * %(per_check)s
                  FROM granted
                 WHERE provider.id = granted.id
             RETURNING granted.checks
                """,
                id=self.id,
                month=month,
                checks=checks,
                per_check=per_check,
            )
        )
        granted = self.env.cr.fetchone()[0]
        self.invalidate_recordset(["budget_month", "budget_calls", "calls_this_month", "calls_left_this_month"])
        return granted

    def _release_calls(self, calls):
        """Give back reserved calls that were not made (a deadline, a 429, a failed first call)."""
        self.ensure_one()
        if calls <= 0:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE credit_registry_provider SET budget_calls = GREATEST(COALESCE(budget_calls, 0) - %s, 0) "
                "WHERE id = %s AND budget_month = %s",
                calls,
                self.id,
                self._budget_month(),
            )
        )
        self.invalidate_recordset(["budget_calls", "calls_this_month", "calls_left_this_month"])

    def _recently_answered(self, partner_ids, now):
        """{partner id: date} of the customers this provider answered about within its minimum age
        (a failure worth retrying is no answer); one query."""
        self.ensure_one()
        if not self.min_age_days or not partner_ids:
            return {}
        self.env["credit.registry.snapshot"].flush_model(["partner_id", "provider_id", "date", "transient"])
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, max(date) FROM credit_registry_snapshot
                 WHERE provider_id = %s AND partner_id = ANY(%s) AND NOT transient AND date > %s
              GROUP BY partner_id
                """,
                self.id,
                list(partner_ids),
                now - timedelta(days=self.min_age_days),
            )
        )
        return dict(self.env.cr.fetchall())

    def _set_refresh_note(self, note):
        self.ensure_one()
        if self.refresh_note != note:
            self.sudo().refresh_note = note

    def _backing_off(self, now):
        self.ensure_one()
        return bool(self.next_call_after and self.next_call_after > now)

    def _next_window(self, now):
        """When this provider may be called again: after its back-off, else once the oldest call of
        the last minute leaves the window."""
        self.ensure_one()
        if self._backing_off(now):
            return self.next_call_after
        self.env.cr.execute(
            SQL(
                "SELECT min(date) FROM credit_registry_snapshot WHERE provider_id = %s AND date > %s",
                self.id,
                now - RATE_WINDOW,
            )
        )
        oldest = self.env.cr.fetchone()[0]
        return (oldest + RATE_WINDOW) if oldest else now

    def _back_off(self, result, now):
        """After a 429 answer, call no more until the provider's Retry-After has passed."""
        self.ensure_one()
        if result.http_status != 429:
            return False
        seconds = result.retry_after if result.retry_after is not None else DEFAULT_BACKOFF_SECONDS
        self.sudo().next_call_after = now + timedelta(seconds=max(seconds, 1))
        return True

    # ------------------------------------------------------------------
    # Queue of customers to check
    # ------------------------------------------------------------------

    def _queue(self, pairs):
        """Queue (partner id, provider id) pairs for the scheduled refresh; one INSERT, no lock on
        the provider rows (a first order of a new customer queues while others sell)."""
        if not pairs:
            return
        partner_ids, provider_ids = zip(*pairs, strict=True)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO credit_registry_pending_rel (provider_id, partner_id)
                SELECT provider_id, partner_id FROM unnest(%s::int[], %s::int[]) AS pair(partner_id, provider_id)
                ON CONFLICT DO NOTHING
                """,
                list(partner_ids),
                list(provider_ids),
            )
        )
        self.invalidate_model(["pending_partner_ids", "pending_count"])

    def _unqueue(self, pairs):
        if not pairs:
            return
        partner_ids, provider_ids = zip(*pairs, strict=True)
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM credit_registry_pending_rel rel
                 USING unnest(%s::int[], %s::int[]) AS pair(partner_id, provider_id)
                 WHERE rel.partner_id = pair.partner_id AND rel.provider_id = pair.provider_id
                """,
                list(partner_ids),
                list(provider_ids),
            )
        )
        self.invalidate_model(["pending_partner_ids", "pending_count"])

    def _queued_partner_ids(self, limit):
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM credit_registry_pending_rel WHERE provider_id = %s "
                "ORDER BY partner_id LIMIT %s",
                self.id,
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]
