from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_amount, format_date

from .credit_risk_kind import RISK_KINDS


class CreditRiskEvent(models.Model):
    """A court or authority record against a customer's company, as a provider lists it.

    Dishonest-debtor listings, enforcement cases, consumption restrictions, judgements,
    administrative penalties, abnormal operations and equity freezes: facts about the company
    only, never about people (the legal representative's or a restricted person's name and ID
    number are not kept). A record stays active while the provider lists it; it is cleared on the
    provider's own clearing date (a removal from the abnormal-operations list, an equity
    unfrozen) or, when a complete list no longer holds it, on the day of that check. Written by
    ``credit.registry.fetcher`` only.
    """

    _name = "credit.risk.event"
    _description = "Legal Risk Record"
    _order = "status, event_date desc, id desc"
    _rec_name = "case_number"
    _sql_constraints = [
        (
            "reference_unique",
            "unique(partner_id, provider_id, kind, reference)",
            "A provider lists a record once per customer.",
        ),
    ]

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    provider_id = fields.Many2one("credit.registry.provider", required=True, readonly=True, ondelete="cascade")
    kind = fields.Selection(RISK_KINDS, required=True, readonly=True, index=True)
    event_date = fields.Date(string="Date", readonly=True, help="When the court or authority recorded it.")
    amount = fields.Monetary(readonly=True, help="The amount at stake, as the provider gives it.")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True, default=lambda self: self._cny())
    case_number = fields.Char(readonly=True)
    authority = fields.Char(string="Court or Authority", readonly=True)
    description = fields.Char(readonly=True)
    reference = fields.Char(
        string="Provider Reference", required=True, readonly=True, help="The provider's own id of the record."
    )
    status = fields.Selection(
        [("active", "Active"), ("cleared", "Cleared")], required=True, default="active", readonly=True, index=True
    )
    cleared_on = fields.Date(readonly=True)
    snapshot_id = fields.Many2one(
        "credit.registry.snapshot",
        string="First Reported By",
        readonly=True,
        ondelete="set null",
        help="The registry check that first listed the record.",
    )
    last_seen_on = fields.Datetime(string="Last Listed On", readonly=True)

    @api.depends("kind", "case_number", "event_date")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for event in self:
            event.display_name = " ".join(
                part for part in (labels.get(event.kind), event.case_number or "") if part
            ) or str(event.event_date or "")

    @api.model
    def _cny(self):
        return self.env.ref("base.CNY", raise_if_not_found=False) or self.env.company.currency_id

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _holding_kinds(self, partner_ids):
        """{commercial partner id: [kind codes]} of the active records of a kind that holds orders;
        one query (it runs with every figure of the available credit)."""
        if not partner_ids:
            return {}
        self.env.cr.execute(self._holding_kinds_sql(partner_ids))
        return dict(self.env.cr.fetchall())

    @api.model
    def _holding_kinds_sql(self, partner_ids):
        """The (partner, [kind codes]) rows of ``_holding_kinds``."""
        self.flush_model(["partner_id", "kind", "status"])
        self.env["credit.risk.kind"].flush_model(["code", "hold"])
        return SQL(
            """
                SELECT event.partner_id, array_agg(DISTINCT event.kind ORDER BY event.kind)
                  FROM credit_risk_event event
                  JOIN credit_risk_kind kind ON kind.code = event.kind AND kind.hold
                 WHERE event.partner_id = ANY(%s) AND event.status = 'active'
              GROUP BY event.partner_id
                """,
            list(partner_ids),
        )

    @api.model
    def _record_results(self, entries):
        """Write what the providers listed: ``entries`` [(snapshot, [RiskResult])] of one run.

        A record seen for the first time is created (and raises an alert when active), one seen
        again is updated when it changed, and an active one a complete list no longer holds is
        cleared on the day of the check. A list that failed or is incomplete (more records than
        one page) clears nothing. One search for the known records of the batch, one create,
        grouped writes; each customer whose records changed gets one note in its chatter.
        """
        if not entries:
            return self
        events = self.sudo()
        partner_ids = list({snapshot.partner_id.id for snapshot, _results in entries})
        provider_ids = list({snapshot.provider_id.id for snapshot, _results in entries})
        known = events.search([("partner_id", "in", partner_ids), ("provider_id", "in", provider_ids)])
        by_key = {(event.partner_id.id, event.provider_id.id, event.kind, event.reference): event for event in known}
        currency = self._cny()
        vals_list, seen, to_clear, cleared_now, reopened = [], events, {}, events, events
        changes = []
        for snapshot, results in entries:
            partner_id, provider_id = snapshot.partner_id.id, snapshot.provider_id.id
            checked_on = fields.Date.to_date(snapshot.date)
            for result in results:
                if result.error:
                    continue
                listed = set()
                for item in result.events:
                    key = (partner_id, provider_id, result.kind, item.reference)
                    if key in listed:
                        continue
                    listed.add(key)
                    values = {
                        "event_date": item.event_date or False,
                        "amount": item.amount or 0.0,
                        "case_number": item.case_number or False,
                        "authority": item.authority or False,
                        "description": item.description or False,
                        "status": "cleared" if item.cleared else "active",
                        "cleared_on": (item.cleared_on or checked_on) if item.cleared else False,
                    }
                    event = by_key.get(key)
                    if not event:
                        vals_list.append(
                            {
                                "partner_id": partner_id,
                                "provider_id": provider_id,
                                "kind": result.kind,
                                "reference": item.reference,
                                "currency_id": currency.id,
                                "snapshot_id": snapshot.id,
                                "last_seen_on": snapshot.date,
                                **values,
                            }
                        )
                        continue
                    seen |= event
                    if event.status == "cleared" and item.cleared and not item.cleared_on:
                        values["cleared_on"] = event.cleared_on
                    changed = {name: value for name, value in values.items() if event[name] != value}
                    if changed:
                        if event.status == "active" and values["status"] == "cleared":
                            cleared_now |= event
                        elif event.status == "cleared" and values["status"] == "active":
                            reopened |= event
                        changes.append((event, changed))
                if result.complete:
                    for event in known:
                        if (
                            (event.partner_id.id, event.provider_id.id, event.kind)
                            == (partner_id, provider_id, result.kind)
                            and event.status == "active"
                            and (partner_id, provider_id, event.kind, event.reference) not in listed
                        ):
                            to_clear.setdefault(checked_on, events)
                            to_clear[checked_on] |= event
                            cleared_now |= event
            again = seen.filtered(
                lambda event, snapshot=snapshot: (
                    (event.partner_id, event.provider_id) == (snapshot.partner_id, snapshot.provider_id)
                )
            )
            if again:
                again.write({"last_seen_on": snapshot.date})
        for event, changed in changes:
            event.write(changed)
        for cleared_on, cleared in to_clear.items():
            cleared.write({"status": "cleared", "cleared_on": cleared_on})
        created = events.create(vals_list)
        new_active = created.filtered(lambda event: event.status == "active") | reopened
        self._raise_alerts(new_active)
        self._log_changes(new_active, cleared_now)
        return created

    @api.model
    def _raise_alerts(self, new_events):
        """One credit alert per new active record, in each company that sells to the customer."""
        if not new_events:
            return self.env["credit.alert"]
        companies = self.env["credit.registry.fetcher"]._alert_company_ids(new_events.partner_id.ids)
        vals_list = []
        for event in new_events:

            def message(env, event=event):
                return env._(
                    "%(provider)s lists %(partner)s: %(record)s.",
                    provider=event.provider_id.name,
                    partner=event.partner_id.display_name,
                    record=event.with_env(env)._describe(),
                )

            for company_id in companies.get(event.partner_id.id) or [self.env.company.id]:
                vals_list.append(
                    {
                        "partner_id": event.partner_id.id,
                        "company_id": company_id,
                        "alert_type": "legal_risk",
                        "event_key": "legal_risk:%s:%s" % (event.id, event.last_seen_on or ""),
                        "message": message,
                    }
                )
        return self.env["credit.alert"].sudo()._raise_alerts(vals_list)

    @api.model
    def _log_changes(self, new_events, cleared_events):
        """A note in each customer's chatter listing its new and cleared records (one message each)."""
        bodies = {}
        for partner in (new_events | cleared_events).partner_id:
            parts = []
            new = new_events.filtered(lambda event, partner=partner: event.partner_id == partner)
            cleared = cleared_events.filtered(lambda event, partner=partner: event.partner_id == partner)
            if new:
                parts.append(Markup("<p>%s</p>") % _("New legal-risk records:"))
                parts.append(Markup("<ul>%s</ul>") % Markup().join(Markup("<li>%s</li>") % e._describe() for e in new))
            if cleared:
                parts.append(Markup("<p>%s</p>") % _("Legal-risk records cleared:"))
                parts.append(
                    Markup("<ul>%s</ul>") % Markup().join(Markup("<li>%s</li>") % e._describe() for e in cleared)
                )
            bodies[partner.id] = Markup().join(parts)
        if bodies:
            self.env["res.partner"].sudo().browse(list(bodies))._message_log_batch(bodies=bodies)

    def _describe(self):
        """'Dishonest judgement debtor (2025)京01执1234号, 北京市第一中级人民法院, 12/08/2025, ¥ 1,285,000.00
        (Qichacha)': what a user needs to recognise the record."""
        self.ensure_one()
        labels = dict(self._fields["kind"]._description_selection(self.env))
        details = [
            part
            for part in (
                self.case_number,
                self.authority,
                format_date(self.env, self.event_date) if self.event_date else "",
                format_amount(self.env, self.amount, self.currency_id) if self.amount else "",
                self.description,
            )
            if part
        ]
        text = labels.get(self.kind, self.kind)
        if details:
            text = "%s: %s" % (text, ", ".join(details))
        if self.status == "cleared" and self.cleared_on:
            text = _("%(record)s (cleared on %(date)s)", record=text, date=format_date(self.env, self.cleared_on))
        return "%s (%s)" % (text, self.provider_id.name)
