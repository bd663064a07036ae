import json
import logging
import time
from collections import defaultdict
from datetime import timedelta

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime

from ...lib.registry import RegistryResult
from ...lib.registry.risk import RiskResult
from ...lib.registry.status import ALARMING, SEVERITY, UNKNOWN

_logger = logging.getLogger(__name__)

# Calls to one provider in one run of the refresh; Odoo commits after each run and calls the
# refresh again while work is left (ir.cron progress), so a crash loses one batch at most.
BATCH_SIZE = 20
# A run makes no new call after this many seconds (each call may still wait its timeout).
RUN_SECONDS = 60
DUE_COUNT_CAP = 1000
# The job channel of the refresh batches (credit_control_queue).
REGISTRY_CHANNEL = "root.credit_control.registry"
# the customer's fields the fetcher derives from the snapshots
REGISTRY_PARTNER_FIELDS = (
    "credit_registry_status",
    "credit_registry_snapshot_id",
    "credit_registry_founded_on",
    "credit_registry_checked_on",
)


class CreditRegistryFetcher(models.AbstractModel):
    """The service asking the registries: the one place that calls them and writes their answers.

    It makes the calls (one HTTP session per run, within each provider's rate limit, backing
    off after a 429), records every answer as a ``credit.registry.snapshot``, sets the
    customers' registry status from their snapshots, raises the alerts of status changes and
    runs the scheduled refresh. The customer's registry status is the worst status among the
    last *known* answers of each provider; a failed call or an unknown word never changes it.
    Creating or confirming an order never calls a registry: it only queues the customer.
    """

    _name = "credit.registry.fetcher"
    _description = "Registry Fetcher"

    # ------------------------------------------------------------------
    # Entry points: the partner buttons, the first order, the provider
    # ------------------------------------------------------------------

    @api.model
    def _pairs(self, partners, providers):
        """[(commercial partner, provider, identifier)] of the ``providers`` that know these companies."""
        pairs = []
        for partner in partners.commercial_partner_id.sudo():
            identifiers = partner._credit_registry_identifiers()
            for provider in providers.filtered(lambda provider, known=identifiers: provider.code in known):
                pairs.append((partner, provider, identifiers[provider.code]))
        return pairs

    @api.model
    def _fetch_partners(self, partners, user=None):
        """Ask the registries about these customers now: the one place a user waits on a registry.

        Providers whose calls of the minute are used up, or that back off after a 429, are not
        called: the customer is queued for them and the refresh runs when they allow it. A
        provider that answered within its minimum age, or whose monthly budget is used up, is not
        called either (each call is paid). Returns (snapshots created, [(partner, provider)] left
        waiting, [(partner, provider, reason)] skipped); raises a UserError, before anything is
        written, when no enabled registry knows the customers.
        """
        providers = self.env["credit.registry.provider"]._enabled_providers()
        pairs = self._pairs(partners, providers)
        if not pairs:
            raise UserError(
                _(
                    "No enabled registry knows %(partner)s: set its country and its VAT number, company ID, LEI "
                    "or unified social credit code, and enable a provider in Credit Control > Configuration > "
                    "Registry Providers.",
                    partner=", ".join(partners.commercial_partner_id.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        pairs, skipped = self._skip_recent(pairs, now)
        calls_left = providers._calls_left(now)
        budget_left = providers._budget_checks_left()
        to_call, over_budget = [], []
        for pair in pairs:
            provider = pair[1]
            if budget_left[provider.id] is not None and budget_left[provider.id] <= 0:
                over_budget.append(pair)
            elif calls_left[provider.id] > 0:
                calls_left[provider.id] -= 1
                if budget_left[provider.id] is not None:
                    budget_left[provider.id] -= 1
                to_call.append(pair)
        for partner, provider, _identifier in over_budget:
            skipped.append(
                (
                    partner,
                    provider,
                    _("monthly budget of %(budget)s calls used up", budget=provider.monthly_call_budget),
                )
            )
        pairs = [pair for pair in pairs if pair not in over_budget]
        snapshots = self._fetch(to_call, user=user)
        # refused with a 429: queued, asked again once the provider's back-off ends
        answered = {
            (snapshot.partner_id.id, snapshot.provider_id.id) for snapshot in snapshots if snapshot.http_status != 429
        }
        providers._unqueue(list(answered) + [(partner.id, provider.id) for partner, provider, _reason in skipped])
        waiting = [
            (partner, provider) for partner, provider, _identifier in pairs if (partner.id, provider.id) not in answered
        ]
        if waiting:
            providers._queue([(partner.id, provider.id) for partner, provider in waiting])
            self._trigger_refresh(at=min(provider._next_window(now) for _partner, provider in waiting))
        return snapshots, waiting, skipped

    @api.model
    def _skip_recent(self, pairs, now):
        """(pairs to call, [(partner, provider, reason)] skipped): a provider with a minimum age is not
        asked again about a customer it answered about more recently; one query per provider."""
        recent = {}
        for provider in {provider for _partner, provider, _identifier in pairs}:
            partner_ids = [partner.id for partner, other, _identifier in pairs if other == provider]
            for partner_id, date in provider._recently_answered(partner_ids, now).items():
                recent[(partner_id, provider.id)] = date
        kept, skipped = [], []
        for partner, provider, identifier in pairs:
            date = recent.get((partner.id, provider.id))
            if date:
                skipped.append(
                    (
                        partner,
                        provider,
                        _(
                            "answered on %(date)s, less than %(days)s days ago: not asked again",
                            date=format_datetime(self.env, date),
                            days=provider.min_age_days,
                        ),
                    )
                )
            else:
                kept.append((partner, provider, identifier))
        return kept, skipped

    @api.model
    def _queue_partners(self, partners):
        """Queue these customers for the registries that know them and trigger the refresh, which runs
        in the background; returns the number of checks queued. Makes no HTTP call."""
        providers = self.env["credit.registry.provider"]._enabled_providers()
        pairs = self._pairs(partners, providers)
        if pairs:
            providers._queue([(partner.id, provider.id) for partner, provider, _identifier in pairs])
            self._trigger_refresh()
        return len(pairs)

    @api.model
    def _trigger_refresh(self, at=None):
        """Run the scheduled refresh in the background, as soon as possible or at ``at``."""
        self.env.ref("credit_control.ir_cron_credit_registry_refresh").sudo()._trigger(at=at)

    # ------------------------------------------------------------------
    # Asking the registries and recording their answers
    # ------------------------------------------------------------------

    @api.model
    def _registry_session(self):
        """The HTTP session of one run, keeping connections to a provider open."""
        return requests.Session()

    @api.model
    def _fetch(self, pairs, user=None, deadline=None):
        """Ask the registries about customers and record the answers.

        ``pairs``: [(commercial partner, provider, identifier)]. Returns the snapshots created,
        one per check. The calls of each provider are counted against its monthly budget before
        they are made (pairs beyond it are not called) and those not made are given back. A
        provider that answers 429 backs off and is not called again in this run; no check starts
        after ``deadline`` (time.monotonic()). After the company's details, a provider fetching
        legal-risk records is asked for each kind, unless the details failed (a company the
        provider does not know has no records worth paying for). Nothing here raises on a
        registry's failure: it is recorded on the snapshot.
        """
        answers = []
        backing_off = set()
        clients = {}
        granted, reserved, made = {}, {}, defaultdict(int)
        for provider in {provider for _partner, provider, _identifier in pairs}:
            count = sum(1 for _partner, other, _identifier in pairs if other == provider)
            granted[provider.id] = provider._reserve_checks(count)
            reserved[provider] = granted[provider.id] * provider._calls_per_check()
        session = self._registry_session()
        try:
            for partner, provider, identifier in pairs:
                if provider.id in backing_off or (deadline and time.monotonic() > deadline):
                    continue
                if granted[provider.id] <= 0:
                    continue
                granted[provider.id] -= 1
                if provider.id not in clients:
                    clients[provider.id] = provider._client(session=session)
                called_at = fields.Datetime.now()
                result = self._call(clients[provider.id], provider, identifier)
                if result.error:
                    # errors never hold a key: the clients redact them
                    _logger.info("Registry %s, partner %s: %s", provider.code, partner.id, result.error)
                risk_results = []
                if provider._back_off(result, called_at):
                    backing_off.add(provider.id)
                elif not result.error and provider._calls_per_check() > 1:
                    for kind in clients[provider.id].risk_endpoints:
                        risk = self._call_risk(clients[provider.id], provider, identifier, kind)
                        risk_results.append(risk)
                        if provider._back_off(risk, fields.Datetime.now()):
                            backing_off.add(provider.id)
                            break
                made[provider] += 1 + len(risk_results)
                answers.append((partner, provider, result, called_at, risk_results))
        finally:
            session.close()
            for provider, calls in reserved.items():
                provider._release_calls(calls - made[provider])
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
    def _call_risk(self, client, provider, identifier, kind):
        """One legal-risk call; as ``_call``, a client's bug is an error, never a crash."""
        try:
            result = client.fetch_risk(identifier, kind)
        except Exception as error:  # whatever happens, the run goes on
            _logger.error("Registry %s, %s records: unexpected %s", provider.code, kind, type(error).__name__)
            return RiskResult(provider=provider.code, kind=kind, identifier=identifier, error="unexpected error")
        if result.error:
            _logger.info("Registry %s, %s records: %s", provider.code, kind, result.error)
        return result

    @api.model
    def _record(self, answers, user=None):
        """Store the answers [(partner, provider, result, called_at, legal-risk results)], then update
        the customers' registry status and legal-risk records, and raise the alerts of the changes."""
        if not answers:
            return self.env["credit.registry.snapshot"]
        pairs = [(partner.id, provider.id) for partner, provider, *_rest in answers]
        previous = self._last_known_statuses(pairs)
        self._retire(pairs)
        vals_list = []
        for partner, provider, result, called_at, risk_results in answers:
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
                    "call_count": 1 + len(risk_results),
                    "risk_checked": bool(risk_results),
                    "risk_error": "; ".join(f"{risk.kind}: {risk.error}" for risk in risk_results if risk.error)
                    or False,
                    "risk_payload": json.dumps(
                        {risk.kind: risk.payload for risk in risk_results if risk.payload}, ensure_ascii=False, indent=1
                    )
                    if risk_results
                    else False,
                }
            )
        snapshots = self.env["credit.registry.snapshot"].sudo().create(vals_list)
        self._update_partners({partner_id for partner_id, _provider_id in pairs})
        self._raise_status_alerts(snapshots)
        self.env["credit.risk.event"]._record_results(
            [(snapshot, answer[4]) for snapshot, answer in zip(snapshots, answers, strict=True) if answer[4]]
        )
        return snapshots

    @api.model
    def _last_known_statuses(self, pairs):
        """{(partner id, provider id): status of the provider's last known answer}."""
        self.env["credit.registry.snapshot"].flush_model(["partner_id", "provider_id", "status", "error", "date"])
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

    @api.model
    def _retire(self, pairs):
        """The last calls of these (partner id, provider id) pairs are no longer the latest."""
        if not pairs:
            return
        snapshots = self.env["credit.registry.snapshot"]
        snapshots.flush_model(["partner_id", "provider_id", "is_latest"])
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
        snapshots.invalidate_model(["is_latest"])
        self.env["res.partner"].invalidate_model(["credit_registry_latest_ids"])

    # ------------------------------------------------------------------
    # The customers' registry status
    # ------------------------------------------------------------------

    @api.model
    def _update_partners(self, partner_ids):
        """Set the customers' registry status, founding date, last check and decisive answer from
        their snapshots.

        Per customer: the last known answer of each provider still checked (one whose last call is
        marked latest); the status is the worst of them (the latest answer giving it is the
        decisive one), the founding date the one of the first provider in sequence order that
        gives one. One query computes the new values of every customer whose values change; they
        are written through the ORM, one ``write`` per group of customers with the same values
        (the ORM flushes them in one UPDATE).
        """
        partner_ids = list(partner_ids)
        if not partner_ids:
            return
        self.env["credit.registry.snapshot"].flush_model(
            ["partner_id", "provider_id", "is_latest", "error", "status", "date", "creation_date"]
        )
        self.env["credit.registry.provider"].flush_model(["sequence"])
        partners = self.env["res.partner"].sudo()
        partners.flush_model(list(REGISTRY_PARTNER_FIELDS))
        # the query compares with the stored values: none may linger in the cache (a deleted answer)
        partners.browse(partner_ids).invalidate_recordset(list(REGISTRY_PARTNER_FIELDS))
        severity = SQL(", ").join(SQL("(%s, %s)", status, rank) for status, rank in SEVERITY.items())
        self.env.cr.execute(
            SQL(
                """
                WITH known AS (
                    SELECT latest.partner_id, answer.id, answer.status, answer.date, answer.creation_date,
                           provider.sequence, provider.id AS provider_id, severity.rank
                      FROM credit_registry_snapshot latest
                      JOIN credit_registry_provider provider ON provider.id = latest.provider_id
                     CROSS JOIN LATERAL (
                            SELECT s.id, s.status, s.date, s.creation_date
                              FROM credit_registry_snapshot s
                             WHERE s.partner_id = latest.partner_id
                               AND s.provider_id = latest.provider_id
                               AND s.error IS NULL AND s.status != %(unknown)s
                          ORDER BY s.date DESC, s.id DESC
                             LIMIT 1
                           ) answer
                      JOIN (VALUES %(severity)s) AS severity(status, rank) ON severity.status = answer.status
                     WHERE latest.partner_id = ANY(%(partner_ids)s) AND latest.is_latest
                ), computed AS (
                    SELECT partner.id,
                           COALESCE(
                               (array_agg(k.status ORDER BY k.rank DESC, k.date DESC, k.sequence, k.provider_id))[1],
                               %(unknown)s
                           ) AS status,
                           (array_agg(k.id ORDER BY k.rank DESC, k.date DESC, k.sequence, k.provider_id))[1]
                               AS snapshot_id,
                           (array_agg(k.creation_date ORDER BY k.sequence, k.provider_id)
                               FILTER (WHERE k.creation_date IS NOT NULL))[1] AS founded_on,
                           max(k.date) AS checked_on
                      FROM unnest(%(partner_ids)s::int[]) AS partner(id)
                      LEFT JOIN known k ON k.partner_id = partner.id
                  GROUP BY partner.id
                )
                SELECT c.id, c.status, c.snapshot_id, c.founded_on, c.checked_on
                  FROM computed c
                  JOIN res_partner p ON p.id = c.id
                 WHERE (p.credit_registry_status, p.credit_registry_snapshot_id,
                        p.credit_registry_founded_on, p.credit_registry_checked_on)
                       IS DISTINCT FROM (c.status, c.snapshot_id, c.founded_on, c.checked_on)
                """,
                severity=severity,
                unknown=UNKNOWN,
                partner_ids=partner_ids,
            )
        )
        groups = defaultdict(list)
        for partner_id, *values in self.env.cr.fetchall():
            groups[tuple(values)].append(partner_id)
        changed = partners.browse([partner_id for ids in groups.values() for partner_id in ids])
        # what write() reads per partner (tracked values, users, contacts), read once for all
        changed.fetch(list(REGISTRY_PARTNER_FIELDS) + ["user_ids", "child_ids", "commercial_partner_id"])
        for (status, snapshot_id, founded_on, checked_on), ids in groups.items():
            changed.browse(ids).with_prefetch(changed._prefetch_ids).write(
                {
                    "credit_registry_status": status,
                    "credit_registry_snapshot_id": snapshot_id,
                    "credit_registry_founded_on": founded_on,
                    "credit_registry_checked_on": checked_on,
                }
            )
        partners.invalidate_model(["credit_registry_snapshot_ids", "credit_registry_latest_ids"])

    # ------------------------------------------------------------------
    # Alerts
    # ------------------------------------------------------------------

    @api.model
    def _raise_status_alerts(self, snapshots):
        """A credit alert for each status change, and for a first answer that is already
        insolvency, liquidation or dissolution; raised in the companies that sell to the customer."""
        to_alert = snapshots.filtered(
            lambda s: (
                not s.error and s.status != UNKNOWN and (s.changed or (not s.previous_status and s.status in ALARMING))
            )
        )
        if not to_alert:
            return self.env["credit.alert"]
        companies = self._alert_company_ids(to_alert.partner_id.ids)
        vals_list = []
        for snapshot in to_alert:

            def message(env, snapshot=snapshot):
                labels = dict(snapshot._fields["status"]._description_selection(env))
                values = {
                    "provider": snapshot.provider_id.name,
                    "partner": snapshot.partner_id.display_name,
                    "status": labels[snapshot.status],
                    "raw": snapshot.registry_status or "",
                    "date": format_datetime(env, snapshot.date),
                }
                if snapshot.previous_status:
                    return env._(
                        "%(provider)s now reports %(partner)s as %(status)s (“%(raw)s”), previously %(previous)s; "
                        "checked on %(date)s.",
                        previous=labels[snapshot.previous_status],
                        **values,
                    )
                return env._(
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
        self.env["res.partner"].flush_model(["company_id", "commercial_partner_id"])
        self.env["sale.order"].flush_model(["partner_id", "company_id"])
        self.env["account.move"].flush_model(["partner_id", "company_id", "move_type"])
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
        budget_left = providers._budget_checks_left()
        deadline = time.monotonic() + RUN_SECONDS
        batches = self.env["credit.batch"]
        in_jobs = batches._credit_jobs_enabled()
        for provider in providers:
            if budget_left[provider.id] == 0:
                self._note_budget_used_up(provider, now)
                continue
            budget = min(calls_left[provider.id], BATCH_SIZE)
            if budget <= 0:
                continue
            if in_jobs:  # one job per provider, which triggers the refresh again when done
                done += batches._credit_run_batches(
                    provider, "_credit_refresh_batch", 1, REGISTRY_CHANNEL, args=(budget,)
                )
                continue
            try:
                with self.env.cr.savepoint():
                    done = len(self._refresh_provider(provider, budget, now, deadline))
            except Exception:  # a failing provider must not stop the others
                _logger.exception("Registry refresh of %s failed", provider.code)
                continue
            if done:
                break
        if in_jobs:
            self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        else:
            self._schedule_rest(providers, done)
        return done

    @api.model
    def _refresh_provider(self, provider, limit, now, deadline=None):
        """Call ``provider`` for up to ``limit`` customers: the queued ones first, then the stale."""
        queued = provider._queued_partner_ids(limit)
        # answered within the provider's minimum age: not asked again, whoever queued it
        recent = provider._recently_answered(queued, now)
        if recent:
            provider._unqueue([(partner_id, provider.id) for partner_id in recent])
            queued = [partner_id for partner_id in queued if partner_id not in recent]
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
        note = _(
            "%(date)s: %(checks)s customers checked, %(calls)s calls.",
            date=format_datetime(self.env, now),
            checks=len(snapshots),
            calls=sum(snapshots.mapped("call_count")),
        )
        if recent:
            note += " " + _(
                "%(count)s queued customers skipped: answered less than %(days)s days ago.",
                count=len(recent),
                days=provider.min_age_days,
            )
            _logger.info("Registry %s: %s queued customers skipped by the minimum age", provider.code, len(recent))
        provider._set_refresh_note(note)
        return snapshots

    @api.model
    def _note_budget_used_up(self, provider, now):
        """Say on the provider (and in the log) that its budget stops the refresh until next month."""
        due = self._due_count(provider, now)
        if not due:
            return
        provider._set_refresh_note(
            _(
                "%(date)s: monthly budget of %(budget)s calls used up; %(count)s customers wait for next month.",
                date=format_date(self.env, fields.Date.to_date(now)),
                budget=provider.monthly_call_budget,
                count=due if due < DUE_COUNT_CAP else "%s+" % DUE_COUNT_CAP,
            )
        )
        _logger.info("Registry %s: monthly budget used up, %s checks skipped", provider.code, due)

    @api.model
    def _stale_partner_ids(self, provider, limit, now):
        self.env["credit.registry.snapshot"].flush_model(
            ["partner_id", "provider_id", "is_latest", "date", "transient"]
        )
        self.env["res.partner"].flush_model(["active"])
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
        """Answers older than the refresh delay (and the minimum age), failures worth retrying older
        than the retry delay."""
        return SQL(
            "s.provider_id = %s AND s.is_latest AND (s.date < %s OR (s.transient AND s.date < %s))",
            provider.id,
            now - timedelta(days=max(provider.stale_after_days, provider.min_age_days)),
            now - timedelta(minutes=provider.retry_minutes),
        )

    @api.model
    def _due_count(self, provider, now):
        """Calls ``provider`` still has to make, queued customers and stale snapshots, counted up to
        DUE_COUNT_CAP each: enough to report progress without counting a whole backlog every run."""
        self.env["credit.registry.snapshot"].flush_model(
            ["partner_id", "provider_id", "is_latest", "date", "transient"]
        )
        self.env["res.partner"].flush_model(["active"])
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
        budget_left = providers._budget_checks_left()
        remaining, later = 0, []
        for provider in providers:
            if budget_left[provider.id] == 0:
                continue  # nothing before next month; the hourly run finds out
            due = self._due_count(provider, now)
            if not due:
                continue
            if calls_left[provider.id]:
                remaining += due
            else:
                later.append(provider._next_window(now))
        if later:
            self._trigger_refresh(at=min(later))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
