import json
import logging
import time
from collections import defaultdict
from datetime import timedelta

import requests

from odoo import _, api, fields, models
from odoo.tools import SQL, create_index
from odoo.tools.misc import format_datetime

from ...lib.registry import RegistryResult
from ...lib.registry.status import ALARMING, UNKNOWN, worst

_logger = logging.getLogger(__name__)

REGISTRY_STATUSES = [
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("insolvency_liquidation", "Insolvency or liquidation"),
    ("dissolved", "Dissolved"),
    ("unknown", "Unknown"),
]
# Calls to one provider in one run of the refresh; Odoo commits after each run and calls the
# refresh again while work is left (ir.cron progress), so a crash loses one batch at most.
BATCH_SIZE = 20
# A run makes no new call after this many seconds (each call may still wait its timeout).
RUN_SECONDS = 60
DUE_COUNT_CAP = 1000


class CreditRegistrySnapshot(models.Model):
    """What one registry said about one customer's company when it was asked.

    Every call leaves a snapshot, failed ones included (with the error and the HTTP status), so
    the history shows when a registry was asked and what it answered. ``is_latest`` marks the
    last call per customer and provider: the refresh finds the stale ones through it. The
    customer's registry status is the worst status among the last *known* answers of each
    provider; a failed call or an unknown word never changes it.
    """

    _name = "credit.registry.snapshot"
    _description = "Registry Snapshot"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    provider_id = fields.Many2one(
        "credit.registry.provider", required=True, readonly=True, index=True, ondelete="cascade"
    )
    # indexed for the calls of the last minute (rate limits)
    date = fields.Datetime(string="Checked On", required=True, readonly=True, index=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Checked By", readonly=True, help="Who asked; empty for the scheduled refresh."
    )
    identifier = fields.Char(readonly=True, help="The number the registry was asked about.")
    status = fields.Selection(REGISTRY_STATUSES, required=True, default="unknown", readonly=True)
    registry_status = fields.Char(
        string="Status in Registry", readonly=True, help="The status as the registry writes it."
    )
    legal_name = fields.Char(readonly=True)
    address = fields.Char(readonly=True)
    creation_date = fields.Date(string="Founded On", readonly=True)
    legal_form = fields.Char(readonly=True)
    capital_amount = fields.Float(string="Registered Capital", readonly=True)
    capital_currency = fields.Char(readonly=True)
    insolvency_history = fields.Boolean(
        readonly=True, help="The company went through insolvency proceedings in the past."
    )
    accounts_overdue = fields.Boolean(readonly=True, help="The company filed its annual accounts late.")
    consultation_number = fields.Char(
        readonly=True, help="VIES consultation number: the proof that the VAT number was checked."
    )
    error = fields.Char(
        string="Technical Error", readonly=True, help="Why the registry gave no answer, as the client reported it."
    )
    error_label = fields.Char(
        string="Error",
        compute="_compute_error_label",
        help="Why the registry gave no answer; the status stays unknown.",
    )
    http_status = fields.Integer(string="HTTP Status", readonly=True)
    retry_after = fields.Integer(
        string="Retry After (Seconds)", readonly=True, help="How long the provider asked to wait (HTTP 429)."
    )
    transient = fields.Boolean(
        string="Retry Soon",
        readonly=True,
        help="The failure may pass (timeout, provider trouble, rate limit): the refresh asks again after "
        "the provider's retry delay instead of its refresh delay.",
    )
    payload = fields.Text(
        string="Raw Answer",
        readonly=True,
        groups="base.group_system",
        help="The provider's answer, without personal data.",
    )
    previous_status = fields.Selection(
        REGISTRY_STATUSES, readonly=True, help="The status of this provider's previous known answer."
    )
    changed = fields.Boolean(
        string="Status Changed", readonly=True, help="The status differs from this provider's previous answer."
    )
    is_latest = fields.Boolean(string="Latest", readonly=True, help="The last call to this provider for the customer.")

    def init(self):
        create_index(
            self.env.cr,
            "credit_registry_snapshot_partner_provider_date_idx",
            self._table,
            ["partner_id", "provider_id", "date"],
        )
        # the refresh's search for stale snapshots
        create_index(
            self.env.cr,
            "credit_registry_snapshot_latest_idx",
            self._table,
            ["provider_id", "date"],
            where="is_latest",
        )

    @api.depends("error", "http_status")
    def _compute_error_label(self):
        labels = {
            "not found": _("not found in the registry"),
            "timeout": _("no answer in time"),
            "connection error": _("registry unreachable"),
            "rate limited": _("too many calls, the registry asked to wait"),
            "malformed JSON": _("unreadable answer"),
            "empty response": _("empty answer"),
            "unexpected payload": _("unexpected answer"),
            "invalid identifier": _("identifier not valid for this registry"),
            "missing API key": _("API key missing"),
            "unexpected error": _("unexpected error"),
        }
        for snapshot in self:
            error = snapshot.error
            if error and error.startswith("HTTP "):
                snapshot.error_label = _("registry error (%(error)s)", error=error)
            else:
                snapshot.error_label = labels.get(error, error) if error else False

    def unlink(self):
        """Deleting answers (a credit manager cleaning the history) updates the customers' status."""
        partner_ids = self.partner_id.ids
        result = super().unlink()
        self._update_partners(partner_ids)
        return result

    @api.depends("provider_id", "partner_id")
    def _compute_display_name(self):
        for snapshot in self:
            snapshot.display_name = "%s: %s" % (snapshot.provider_id.name or "", snapshot.partner_id.display_name or "")

    # ------------------------------------------------------------------
    # Asking the registries
    # ------------------------------------------------------------------

    @api.model
    def _registry_session(self):
        """The HTTP session of one run, keeping connections to a provider open."""
        return requests.Session()

    @api.model
    def _fetch(self, pairs, user=None, deadline=None):
        """Ask the registries about customers and record the answers.

        ``pairs``: [(commercial partner, provider, identifier)]. Returns the snapshots created,
        one per call. A provider that answers 429 backs off and is not called again in this run;
        no call starts after ``deadline`` (time.monotonic()). Nothing here raises on a
        registry's failure: it is recorded on the snapshot.
        """
        answers = []
        backing_off = set()
        clients = {}
        session = self._registry_session()
        try:
            for partner, provider, identifier in pairs:
                if provider.id in backing_off or (deadline and time.monotonic() > deadline):
                    continue
                if provider.id not in clients:
                    clients[provider.id] = provider._client(session=session)
                called_at = fields.Datetime.now()
                result = self._call(clients[provider.id], provider, identifier)
                if result.error:
                    # errors never hold a key: the clients redact them
                    _logger.info("Registry %s, partner %s: %s", provider.code, partner.id, result.error)
                if provider._back_off(result, called_at):
                    backing_off.add(provider.id)
                answers.append((partner, provider, result, called_at))
        finally:
            session.close()
        return self._record(answers, user=user)

    @api.model
    def _call(self, client, provider, identifier):
        """One call; a client's own bug is an error on the snapshot too, never a crash of the run."""
        try:
            return client.fetch(identifier, **provider._fetch_kwargs())
        except Exception as error:  # whatever happens, the run goes on
            _logger.error("Registry %s: unexpected %s", provider.code, type(error).__name__)
            return RegistryResult(provider=provider.code, identifier=identifier, error="unexpected error")

    @api.model
    def _record(self, answers, user=None):
        """Store the answers [(partner, provider, result, called_at)], then update the customers'
        registry status and raise the alerts of status changes."""
        if not answers:
            return self.browse()
        pairs = [(partner.id, provider.id) for partner, provider, _result, _at in answers]
        previous = self._last_known_statuses(pairs)
        self._retire(pairs)
        vals_list = []
        for partner, provider, result, called_at in answers:
            before = previous.get((partner.id, provider.id))
            known = not result.error and result.status != UNKNOWN
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "provider_id": provider.id,
                    "date": called_at,
                    "user_id": user.id if user else False,
                    "identifier": result.identifier,
                    "status": result.status,
                    "registry_status": result.raw_status,
                    "legal_name": result.legal_name,
                    "address": result.address,
                    "creation_date": result.creation_date,
                    "legal_form": result.legal_form,
                    "capital_amount": result.capital_amount or 0.0,
                    "capital_currency": result.capital_currency,
                    "insolvency_history": bool(result.insolvency_history),
                    "accounts_overdue": bool(result.accounts_overdue),
                    "consultation_number": result.consultation_number,
                    "error": result.error,
                    "http_status": result.http_status or 0,
                    "retry_after": result.retry_after or 0,
                    "transient": result.transient,
                    "payload": json.dumps(result.payload, ensure_ascii=False, indent=1) if result.payload else False,
                    "previous_status": before or False,
                    "changed": known and before is not None and before != result.status,
                    "is_latest": True,
                }
            )
        snapshots = self.sudo().create(vals_list)
        self._update_partners({partner_id for partner_id, _provider_id in pairs})
        snapshots._raise_status_alerts()
        return snapshots

    def _last_known_statuses(self, pairs):
        """{(partner id, provider id): status of the provider's last known answer}."""
        self.flush_model()
        partner_ids, provider_ids = zip(*pairs, strict=True)
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (s.partner_id, s.provider_id) s.partner_id, s.provider_id, s.status
                  FROM credit_registry_snapshot s
                  JOIN unnest(%s::int[], %s::int[]) AS pair(partner_id, provider_id)
                    ON s.partner_id = pair.partner_id AND s.provider_id = pair.provider_id
                 WHERE s.error IS NULL AND s.status != 'unknown'
              ORDER BY s.partner_id, s.provider_id, s.date DESC, s.id DESC
                """,
                list(partner_ids),
                list(provider_ids),
            )
        )
        return {(partner_id, provider_id): status for partner_id, provider_id, status in self.env.cr.fetchall()}

    def _retire(self, pairs):
        """The last calls of these (partner id, provider id) pairs are no longer the latest."""
        if not pairs:
            return
        self.flush_model(["is_latest"])
        partner_ids, provider_ids = zip(*pairs, strict=True)
        self.env.cr.execute(
            SQL(
                """
                UPDATE credit_registry_snapshot s
                   SET is_latest = FALSE
                  FROM unnest(%s::int[], %s::int[]) AS pair(partner_id, provider_id)
                 WHERE s.is_latest AND s.partner_id = pair.partner_id AND s.provider_id = pair.provider_id
                """,
                list(partner_ids),
                list(provider_ids),
            )
        )
        self.invalidate_model(["is_latest"])

    @api.model
    def _update_partners(self, partner_ids):
        """Set the customers' registry status, founding date and last check from their snapshots.

        Per customer: the last known answer of each provider still checked (one whose last call
        is marked latest); the status is the worst of them, the founding date the one of the
        first provider in sequence order that gives one. One query to read, one to write.
        """
        partner_ids = list(partner_ids)
        if not partner_ids:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT latest.partner_id, known.id, known.status, known.date, known.creation_date, pr.sequence, pr.id
                  FROM credit_registry_snapshot latest
                  JOIN credit_registry_provider pr ON pr.id = latest.provider_id
                 CROSS JOIN LATERAL (
                        SELECT s.id, s.status, s.date, s.creation_date
                          FROM credit_registry_snapshot s
                         WHERE s.partner_id = latest.partner_id
                           AND s.provider_id = latest.provider_id
                           AND s.error IS NULL AND s.status != 'unknown'
                      ORDER BY s.date DESC, s.id DESC
                         LIMIT 1
                       ) known
                 WHERE latest.partner_id = ANY(%s) AND latest.is_latest
                """,
                partner_ids,
            )
        )
        answers = defaultdict(list)
        for partner_id, snapshot_id, status, date, creation_date, sequence, provider_id in self.env.cr.fetchall():
            answers[partner_id].append((sequence, provider_id, snapshot_id, status, date, creation_date))
        statuses, snapshot_ids, founded, checked = [], [], [], []
        for partner_id in partner_ids:
            rows = sorted(answers.get(partner_id, []))
            status = worst([row[3] for row in rows])
            decisive = max((row for row in rows if row[3] == status), key=lambda row: row[4], default=None)
            statuses.append(status)
            snapshot_ids.append(decisive[2] if decisive else None)
            founded.append(next((row[5] for row in rows if row[5]), None))
            checked.append(max((row[4] for row in rows), default=None))
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET credit_registry_status = v.status,
                       credit_registry_snapshot_id = v.snapshot_id,
                       credit_registry_founded_on = v.founded,
                       credit_registry_checked_on = v.checked
                  FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::date[], %s::timestamp[])
                       AS v(id, status, snapshot_id, founded, checked)
                 WHERE p.id = v.id
                """,
                partner_ids,
                statuses,
                snapshot_ids,
                founded,
                checked,
            )
        )
        self.env["res.partner"].invalidate_model(
            [
                "credit_registry_status",
                "credit_registry_snapshot_id",
                "credit_registry_founded_on",
                "credit_registry_checked_on",
                "credit_registry_snapshot_ids",
                "credit_registry_latest_ids",
            ]
        )

    # ------------------------------------------------------------------
    # Alerts
    # ------------------------------------------------------------------

    def _raise_status_alerts(self):
        """A credit alert for each status change, and for a first answer that is already
        insolvency, liquidation or dissolution; raised in the companies that sell to the customer."""
        to_alert = self.filtered(
            lambda s: (
                not s.error and s.status != UNKNOWN and (s.changed or (not s.previous_status and s.status in ALARMING))
            )
        )
        if not to_alert:
            return self.env["credit.alert"]
        companies = self._alert_company_ids(to_alert.partner_id.ids)
        labels = dict(self._fields["status"]._description_selection(self.env))
        vals_list = []
        for snapshot in to_alert:
            values = {
                "provider": snapshot.provider_id.name,
                "partner": snapshot.partner_id.display_name,
                "status": labels[snapshot.status],
                "raw": snapshot.registry_status or "",
                "date": format_datetime(self.env, snapshot.date),
            }
            if snapshot.previous_status:
                message = _(
                    "%(provider)s now reports %(partner)s as %(status)s (“%(raw)s”), previously %(previous)s; "
                    "checked on %(date)s.",
                    previous=labels[snapshot.previous_status],
                    **values,
                )
            else:
                message = _(
                    "%(provider)s reports %(partner)s as %(status)s (“%(raw)s”); checked on %(date)s.", **values
                )
            for company_id in companies.get(snapshot.partner_id.id) or [self.env.company.id]:
                vals_list.append(
                    {
                        "partner_id": snapshot.partner_id.id,
                        "company_id": company_id,
                        "alert_type": "registry_status",
                        "event_key": "registry:%s" % snapshot.id,
                        "message": message,
                    }
                )
        return self.env["credit.alert"].sudo()._raise_alerts(vals_list)

    @api.model
    def _alert_company_ids(self, partner_ids):
        """{commercial partner id: [company ids]}: the partner's own company, else the companies
        that quoted or invoiced it."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT id, company_id FROM res_partner WHERE id = ANY(%(ids)s) AND company_id IS NOT NULL
                 UNION
                SELECT p.commercial_partner_id, so.company_id
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id = ANY(%(ids)s)
                 UNION
                SELECT p.commercial_partner_id, am.company_id
                  FROM account_move am JOIN res_partner p ON p.id = am.partner_id
                 WHERE p.commercial_partner_id = ANY(%(ids)s) AND am.move_type IN ('out_invoice', 'out_refund')
                """,
                ids=list(partner_ids),
            )
        )
        companies = defaultdict(list)
        for partner_id, company_id in self.env.cr.fetchall():
            companies[partner_id].append(company_id)
        return {partner_id: sorted(ids) for partner_id, ids in companies.items()}

    # ------------------------------------------------------------------
    # Scheduled refresh
    # ------------------------------------------------------------------

    @api.model
    def _cron_refresh(self):
        """Check queued customers (new customers, requests from the customer list) and refresh stale
        snapshots: one batch of one provider per run, within the provider's rate limit.

        Reports its progress so that Odoo commits and runs it again while calls are allowed; when
        every provider with work left has used its minute's calls or backs off after a 429, the
        refresh is triggered again for when the first of them may be called. Never raises.
        """
        done = 0
        providers = self.env["credit.registry.provider"]._enabled_providers()
        now = fields.Datetime.now()
        calls_left = providers._calls_left(now)
        deadline = time.monotonic() + RUN_SECONDS
        for provider in providers:
            budget = min(calls_left[provider.id], BATCH_SIZE)
            if budget <= 0:
                continue
            try:
                with self.env.cr.savepoint():
                    done = len(self._refresh_provider(provider, budget, now, deadline))
            except Exception:  # a failing provider must not stop the others
                _logger.exception("Registry refresh of %s failed", provider.code)
                continue
            if done:
                break
        self._schedule_rest(providers, done)
        return done

    @api.model
    def _refresh_provider(self, provider, limit, now, deadline=None):
        """Call ``provider`` for up to ``limit`` customers: the queued ones first, then the stale."""
        queued = provider._queued_partner_ids(limit)
        stale = self._stale_partner_ids(provider, limit - len(queued), now) if len(queued) < limit else []
        partners = self.env["res.partner"].browse(dict.fromkeys(queued + stale))
        pairs, gone = [], []
        for partner in partners:
            identifier = partner._credit_registry_identifiers().get(provider.code)
            if identifier:
                pairs.append((partner, provider, identifier))
            else:
                gone.append(partner.id)
        # no longer an identifier this provider knows: forget the queue entry and the old answer
        provider._unqueue([(partner_id, provider.id) for partner_id in gone if partner_id in queued])
        retired = [(partner_id, provider.id) for partner_id in gone if partner_id in stale]
        if retired:
            self._retire(retired)
            self._update_partners([partner_id for partner_id, _provider_id in retired])
        snapshots = self._fetch(pairs, deadline=deadline)
        # a customer refused with a 429 stays queued: asked again once the provider's back-off ends
        answered = snapshots.filtered(lambda snapshot: snapshot.http_status != 429)
        provider._unqueue([(snapshot.partner_id.id, provider.id) for snapshot in answered])
        return snapshots

    @api.model
    def _stale_partner_ids(self, provider, limit, now):
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT s.partner_id
                  FROM credit_registry_snapshot s
                  JOIN res_partner p ON p.id = s.partner_id AND p.active
                 WHERE %s
              ORDER BY s.date
                 LIMIT %s
                """,
                self._stale_condition(provider, now),
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _stale_condition(self, provider, now):
        return SQL(
            "s.provider_id = %s AND s.is_latest AND (s.date < %s OR (s.transient AND s.date < %s))",
            provider.id,
            now - timedelta(days=provider.stale_after_days),
            now - timedelta(minutes=provider.retry_minutes),
        )

    @api.model
    def _due_count(self, provider, now):
        """Calls ``provider`` still has to make, queued customers and stale snapshots, counted up to
        DUE_COUNT_CAP each: enough to report progress without counting a whole backlog every run."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT (SELECT count(*) FROM (
                            SELECT 1 FROM credit_registry_pending_rel WHERE provider_id = %(provider)s LIMIT %(cap)s
                        ) queued)
                     + (SELECT count(*) FROM (
                            SELECT 1 FROM credit_registry_snapshot s
                              JOIN res_partner p ON p.id = s.partner_id AND p.active
                             WHERE %(stale)s
                             LIMIT %(cap)s
                        ) stale)
                """,
                provider=provider.id,
                stale=self._stale_condition(provider, now),
                cap=DUE_COUNT_CAP,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _schedule_rest(self, providers, done):
        """Tell Odoo how much is left for now, and trigger the refresh again for when a provider
        whose minute's calls are used up (or that backs off) may be called again."""
        now = fields.Datetime.now()
        calls_left = providers._calls_left(now)
        remaining, later = 0, []
        for provider in providers:
            due = self._due_count(provider, now)
            if not due:
                continue
            if calls_left[provider.id]:
                remaining += due
            else:
                later.append(provider._next_window(now))
        if later:
            self.env.ref("credit_control.ir_cron_credit_registry_refresh").sudo()._trigger(at=min(later))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
