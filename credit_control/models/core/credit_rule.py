from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools.misc import formatLang

from ...lib.limits import days_past_due, is_unlimited, limit_excess, overdue_breached
from ...tools import ormcache

PARTNER_FIELDS = [
    "commercial_partner_id",
    "credit_limit",
    "credit_limit_temp_increase",
    "credit_limit_temp_expiry",
    "credit_hold",
    "credit_blacklisted",
]
COMPANY_FIELDS = [
    "currency_id",
    "credit_no_limit_policy",
    "credit_overdue_check",
    "credit_overdue_tolerance_days",
    "credit_overdue_tolerance_amount",
]


class RuleFailure(dict):
    """A failed rule: what it found (``rule``, ``params``, ``mode``…). Its label (``name``) and its
    sentence (``message``) are made on first use only: formatting amounts in the reader's
    language costs more than judging the rule, and most checks never show them."""

    __slots__ = ("rule_model",)

    def __missing__(self, key):
        if key == "message":
            value = self.rule_model._get_reason_message(self["rule"], self["params"])
        elif key == "name":
            value = dict(self.rule_model._get_rule_selection())[self["rule"]]
        else:
            raise KeyError(key)
        self[key] = value
        return value


class CreditCheck:
    """What one rule needs to judge one document (an order, an invoice, a delivery): the
    document, its customer, the figures, the facts the features gathered for the customer
    (``_get_facts``) and the company's settings of the rules (``credit.rule.setting``)."""

    __slots__ = (
        "document",
        "partner",
        "company",
        "figures",
        "facts",
        "order_amount",
        "pending_amount",
        "today",
        "payment_days",
        "checkpoint",
    )

    def __init__(
        self,
        document,
        partner,
        company,
        figures,
        facts,
        order_amount,
        pending_amount,
        today,
        payment_days=None,
        checkpoint="order",
    ):
        self.document = document
        self.partner = partner
        self.company = company
        self.figures = figures
        self.facts = facts
        self.order_amount = order_amount  # what the document adds to the exposure, company currency
        self.pending_amount = pending_amount
        self.today = today
        self.payment_days = payment_days  # days of the document's payment terms, None when unknown
        self.checkpoint = checkpoint

    @property
    def order(self):
        """The document judged (named ``order`` since orders were the first checkpoint)."""
        return self.document

    @property
    def exposure(self):
        """Exposure before this document, counting earlier documents passed in the same call."""
        return self.figures.exposure + self.pending_amount

    @property
    def limit(self):
        return self.partner._credit_limit_in_force(self.today)


class CreditRule(models.AbstractModel):
    """The credit rule set: one method per rule, each judging one document.

    A rule returns None when the order passes, or a dict with the reason shown to the
    salesperson and the figures behind it. Later features register more rules by
    extending ``_get_rules``; every checkpoint only ever calls ``_evaluate_documents``.
    """

    _name = "credit.rule"
    _description = "Credit Rules"

    @api.model
    def _get_rules(self):
        """Ordered list of (code, label, method name); features append theirs with ``super()``."""
        return [
            ("blacklist", _("Blacklisted customer"), "_rule_blacklist"),
            ("manual_hold", _("Manual credit hold"), "_rule_manual_hold"),
            ("credit_limit", _("Credit limit exceeded"), "_rule_credit_limit"),
            ("overdue", _("Overdue beyond tolerance"), "_rule_overdue"),
        ]

    @api.model
    @ormcache()
    def _get_rule_methods(self):
        """((code, method name), ...) of ``_get_rules``, cached: the labels are translated only for
        the rules that fail (ten translation lookups less on every confirmation)."""
        return tuple((code, method) for code, _label, method in self._get_rules())

    @api.model
    def _get_rule_selection(self):
        return [(code, label) for code, label, _method in self._get_rules()]

    @api.model
    def _get_partner_fields(self):
        """Customer fields the rules read, read at once for all the customers of a call by the
        check's figure statement (``credit.exposure._partner_fields_sql``)."""
        return list(PARTNER_FIELDS)

    @api.model
    def _get_company_fields(self):
        """Company settings the rules read, kept in the registry's cache with the company's other
        credit settings (``res.company._credit_prefetch_settings``)."""
        return list(COMPANY_FIELDS)

    @api.model
    def _get_facts(self, partners, company, today, rows=None):
        """{commercial partner id: {fact: value}} for the rules of the features.

        Called once per company for all the customers of the call. The features give their
        queries through ``_get_fact_queries``: all of them run as one statement (one round trip
        on every confirmation, whatever the number of features), or as a part of the check's
        figure statement, which gives their ``rows``. A feature may still extend this method
        with ``super()`` and one query for all ``partners``, never one per order.
        """
        facts = {partner.id: {} for partner in partners}
        if rows is None:
            queries = self._get_fact_queries(partners.ids, company, today) if partners else []
            rows = self.env["credit.exposure"]._query_union(queries)
        for partner_id, values in rows:
            facts.setdefault(partner_id, {}).update(values)
        return facts

    @api.model
    def _get_fact_queries(self, partner_ids, company, today):
        """[SQL] each selecting rows (commercial partner id, jsonb object {fact: value}) for the
        ``partner_ids``; features append theirs with ``super()`` (flushing what they read)."""
        return []

    @api.model
    def _get_blocked_partner_ids(self, partners, company, today):
        """Ids of the ``partners`` who may buy nothing on credit in ``company`` whatever their
        limit: their available credit is shown as 0. Blacklisted and held customers here;
        features add theirs with ``super()`` (one query for all ``partners``)."""
        return set(partners.filtered(lambda partner: partner.credit_blacklisted or partner.credit_hold).ids)

    @api.model
    def _get_order_amounts(self, orders):
        """{order: amount it adds to the exposure, in company currency}.

        A quotation adds its whole total (also while being edited, not saved yet); a
        confirmed order adds what is left to invoice, as in the exposure query.
        """
        confirmed = orders.filtered(lambda order: order.state == "sale")._origin
        remaining = self.env["credit.exposure"]._get_order_amounts(confirmed)
        return {
            order: remaining.get(order._origin.id, 0.0)
            if order.state == "sale"
            else order.amount_total / (order.currency_rate or 1.0)
            for order in orders
        }

    @api.model
    def _get_payment_term_days(self, terms):
        """{document: days its payment terms give at most}, from {document: payment term}: the
        latest due date of the term's lines for an invoice dated today (None without a term)."""
        days_of = {}
        used = {term for term in terms.values() if term}
        today = fields.Date.context_today(self) if used else None  # most orders have no term
        for term in used:
            due_dates = [line._get_due_date(today) for line in term.line_ids]
            days_of[term] = max((due - today).days for due in due_dates) if due_dates else 0
        return {document: days_of.get(term) if term else None for document, term in terms.items()}

    @api.model
    def _get_released_orders(self, orders, amounts):
        return self._get_released_documents(orders, amounts)

    @api.model
    def _get_released_documents(self, documents, amounts):
        """The documents a credit manager's release allows: same customer, and an amount in
        company currency (``amounts``) no larger than the one the manager saw (one query)."""
        # a document that never had a hold (no hold state) has no release: no query
        saved = documents._origin.filtered(lambda document: document.id and document.credit_hold_state)
        if not saved:
            return set()
        field = documents._credit_hold_field
        released = {
            (document.id, partner.id): amount
            for document, partner, amount in self.env["credit.hold"]
            .sudo()
            ._read_group(
                [(field, "in", saved.ids), ("state", "=", "released")],
                [field, "partner_id"],
                ["amount_company:max"],
            )
        }
        partner_of = documents._credit_get_partners()
        result = set()
        for document in documents:
            key = (document._origin.id, partner_of[document].id)
            if (
                key in released
                and document.company_id.currency_id.compare_amounts(amounts[document], released[key]) <= 0
            ):
                result.add(document)
        return result

    @api.model
    def _evaluate_orders(self, orders, lock=False, cumulative=True, warnings=None):
        """Judge sale orders at confirmation (see ``_evaluate_documents``)."""
        return self._evaluate_documents(orders, lock=lock, cumulative=cumulative, warnings=warnings)

    @api.model
    def _evaluate_documents(self, documents, lock=False, cumulative=True, warnings=None):
        """Judge ``documents`` and return {document: [failure, ...]} (an empty list passes).

        ``documents`` are records of one model of ``credit.document.mixin`` (orders,
        invoices, deliveries): it says who the customer is, what the document adds to the
        exposure and which documents a release or an earlier check lets through. Figures
        are read once per company for all the documents' customers. With ``cumulative``,
        documents of the same customer are judged in id order, each counting the ones that
        passed before it (confirming several at once). With ``lock``, the customers' rows
        are locked first (the paths that act on the result). Failures of rules set to warn
        only are not in the result: they go to ``warnings`` ({document: [failure, ...]})
        when a dict is given.
        """
        results = {}
        today = fields.Date.context_today(self)
        sudo_documents = documents.sudo()
        sudo_documents._credit_prefetch()
        for company, company_documents in sudo_documents.grouped("company_id").items():
            # one environment (superuser, the documents' company) for the documents, their
            # customers and the figures
            company_documents = company_documents.with_company(company)
            env = company_documents.env
            company._credit_prefetch_settings()
            partner_of = company_documents._credit_get_partners()
            partners = env["res.partner"].browse({partner.id for partner in partner_of.values()})
            # a commercial partner is its own: no read of its row for that
            saved = partners.filtered("id")
            self.env.cache.insert_missing(saved, partners._fields["commercial_partner_id"], saved._ids)
            figures, rows = env["credit.exposure"]._get_figures_and_facts(
                partners,
                company,
                today=today,
                lock=lock,
                partner_fields=self._get_partner_fields(),
                extra_queries={"facts": self._get_fact_queries(partners.ids, company, today) if partners else []},
                **company_documents._credit_get_figure_exclusions(),
            )
            facts = self._get_facts(partners, company, today, rows=rows["facts"])
            settings = self._get_rule_settings(company)
            amounts = company_documents._credit_get_amounts()
            payment_days = company_documents._credit_get_payment_days()
            # the documents a release, an online payment or an earlier check lets through: read
            # once, only when a document would not pass the rules (nearly every check passes)
            passed = None
            pending = defaultdict(float)
            for document in company_documents.sorted("id"):
                partner = partner_of[document]
                failures, document_warnings = [], []
                if partner.id in figures:  # else no saved customer yet
                    check = CreditCheck(
                        document,
                        partner,
                        company,
                        figures[partner.id],
                        facts.get(partner.id, {}),
                        amounts[document],
                        pending[partner.id],
                        today,
                        payment_days.get(document),
                        document._credit_checkpoint,
                    )
                    for failure in self._run_rules(check, settings):
                        (document_warnings if failure["mode"] == "warn" else failures).append(failure)
                if failures or document_warnings:
                    if passed is None:
                        passed = company_documents._credit_get_passed(
                            amounts, company_documents._credit_get_document_facts()
                        )
                    if document in passed:
                        failures, document_warnings = [], []
                results[document] = failures
                if warnings is not None and document_warnings:
                    warnings[document] = document_warnings
                if cumulative and not failures:
                    pending[partner.id] += amounts[document]
        return results

    @api.model
    def _get_rule_settings(self, company):
        """{rule code: credit.rule.setting} of ``company``: the rules it warns on only, or limits
        to some customers (one query; a rule without a setting holds every customer)."""
        setting_ids = self.env["credit.rule.setting"]._get_setting_ids(company.id)
        if not setting_ids:  # most companies: every rule holds every customer
            return {}
        settings = self.env["credit.rule.setting"].sudo().browse(setting_ids)
        return {setting.rule: setting for setting in settings}

    def _run_rules(self, check, settings=None):
        """The failures of ``check``, each with its ``mode``: ``hold``, or ``warn`` for a rule the
        company set to warn only. Rules a setting limits to other customers are skipped."""
        failures = []
        settings = settings or {}
        for code, method in self._get_rule_methods():
            setting = settings.get(code)
            if setting and not setting._applies_to(check):
                continue
            failure = getattr(self, method)(check)
            if failure:
                params = dict(failure.get("params") or {}, currency_id=check.company.currency_id.id)
                failure = RuleFailure(failure, rule=code, params=params, mode=setting.mode if setting else "hold")
                failure.rule_model = self
                failures.append(failure)
        return failures

    @api.model
    def _get_reason_message(self, code, params):
        """The sentence of a failed rule, from the facts it stored, in the reader's language.

        Each rule ``code`` has its ``_message_<code>(params)``: a hold keeps the facts, not
        the sentence, so a Chinese credit manager reads an English salesperson's hold in Chinese.
        """
        method = getattr(self, "_message_%s" % code, None)
        return method(params) if method else ""

    def _format_amount_param(self, params, key):
        currency = self.env["res.currency"].browse(params.get("currency_id"))
        return formatLang(self.env, params.get(key) or 0.0, currency_obj=currency)

    # ------------------------------------------------------------------
    # Rules: each returns None, or the facts of the failure ("params") and, for the rules
    # that compare amounts, the amount ("value") and the amount allowed ("threshold")
    # ------------------------------------------------------------------

    def _rule_blacklist(self, check):
        if not check.partner.credit_blacklisted:
            return None
        return {"params": {"partner": check.partner.display_name, "reason": check.partner.credit_blacklist_reason}}

    def _message_blacklist(self, params):
        return _(
            "%(partner)s is blacklisted: %(reason)s",
            partner=params["partner"],
            reason=params.get("reason") or _("no reason given"),
        )

    def _rule_manual_hold(self, check):
        if not check.partner.credit_hold:
            return None
        return {"params": {"partner": check.partner.display_name, "reason": check.partner.credit_hold_reason}}

    def _message_manual_hold(self, params):
        return _(
            "%(partner)s is on credit hold: %(reason)s",
            partner=params["partner"],
            reason=params.get("reason") or _("no reason given"),
        )

    def _rule_credit_limit(self, check):
        if is_unlimited(check.partner.credit_limit, check.company.credit_no_limit_policy):
            return None
        limit = check.limit
        excess = limit_excess(check.exposure, check.order_amount, limit)
        if not excess:
            return None
        params = {"exposure": check.exposure, "order": check.order_amount, "limit": limit, "excess": excess}
        if check.checkpoint != "order":
            params["checkpoint"] = check.checkpoint
        return {"params": params, "value": check.exposure + check.order_amount, "threshold": limit}

    def _message_credit_limit(self, params):
        values = {
            "exposure": self._format_amount_param(params, "exposure"),
            "order": self._format_amount_param(params, "order"),
            "limit": self._format_amount_param(params, "limit"),
            "excess": self._format_amount_param(params, "excess"),
        }
        if params.get("checkpoint") == "invoice":
            return _(
                "Exposure %(exposure)s plus this invoice %(order)s exceeds the credit limit %(limit)s by %(excess)s.",
                **values,
            )
        if params.get("checkpoint") == "partner":
            return _("Exposure %(exposure)s leaves no credit under the credit limit %(limit)s.", **values)
        if params.get("checkpoint"):
            return _(
                "Exposure %(exposure)s including this document %(order)s exceeds the credit limit %(limit)s by "
                "%(excess)s.",
                **values,
            )
        return _(
            "Exposure %(exposure)s plus this order %(order)s exceeds the credit limit %(limit)s by %(excess)s.",
            **values,
        )

    def _rule_overdue(self, check):
        company = check.company
        if not company.credit_overdue_check:
            return None
        overdue = check.figures.overdue_beyond_tolerance
        if not overdue_breached(overdue, company.credit_overdue_tolerance_amount):
            return None
        return {
            "params": {
                "overdue": overdue,
                "days": days_past_due(check.figures.oldest_overdue_date, check.today),
                "tolerance": company.credit_overdue_tolerance_amount,
                "tolerance_days": company.credit_overdue_tolerance_days,
            },
            "value": overdue,
            "threshold": company.credit_overdue_tolerance_amount,
        }

    def _message_overdue(self, params):
        return _(
            "Overdue %(overdue)s, oldest item %(days)s days past due, exceeds the tolerance "
            "of %(tolerance)s after %(tolerance_days)s days.",
            overdue=self._format_amount_param(params, "overdue"),
            days=params["days"],
            tolerance=self._format_amount_param(params, "tolerance"),
            tolerance_days=params["tolerance_days"],
        )
