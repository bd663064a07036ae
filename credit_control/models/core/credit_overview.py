from odoo import _, api, fields, models

from ...lib.overview import USAGE_NEAR, USAGE_OVER, age_in_days, limit_usage_band, share

# How many customers the "top debtors" card lists.
TOP_DEBTORS = 5
# Scopes of the overview: the whole company (credit users) or the user's own customers.
SCOPE_ALL, SCOPE_MINE = "all", "mine"


class CreditOverview(models.AbstractModel):
    """The figures of the Credit Control overview, in one call.

    Every card is computed by a fixed number of set-based queries (``_read_group`` over the
    same domain the card opens), as the current user, so that record rules apply alike to
    the figure and to the list behind it. Features add their cards through
    ``_get_overview_cards(scope)`` with ``super()``.
    """

    _name = "credit.overview"
    _description = "Credit Overview"

    @api.model
    def get_overview_data(self, scope=None):
        """Everything the overview screen shows: the company, the scope and the cards in order."""
        scope = self._get_overview_scope(scope)
        company = self.env.company
        cards = sorted(self._get_overview_cards(scope), key=lambda card: (card.get("sequence", 100), card["key"]))
        return {
            "company": {"id": company.id, "name": company.name, "currency_id": company.currency_id.id},
            "scope": scope,
            "can_see_all": self.env.user.has_group("credit_control.group_credit_user"),
            "today": fields.Date.to_string(self._overview_today()),
            "cards": cards,
        }

    # ------------------------------------------------------------------
    # Cards (hook)
    # ------------------------------------------------------------------

    @api.model
    def _get_overview_cards(self, scope):
        """The cards of the overview, a list of dicts; features append theirs with ``super()``.

        A card: ``key``, ``title``, ``value``, ``value_type`` (monetary, integer, days, percent),
        ``count``, ``measure`` (the field summed into ``value`` over ``action``'s domain, None
        when ``value`` is the count), ``currency_id``, ``sequence``, ``action`` (a window action
        with the card's domain), optional ``details`` / ``items`` (figures with their own
        action) and ``chart`` (``labels``, ``values``, ``label``).
        """
        cards = []
        for card in (
            self._overview_card_holds(scope),
            *self._overview_cards_receivables(scope),
            self._overview_card_top_debtors(scope),
            self._overview_card_limits(scope),
            self._overview_card_alerts(scope),
        ):
            if card:
                cards.append(card)
        return cards

    def _overview_card_holds(self, scope):
        if not self._overview_can_read("credit.hold"):
            return None
        domain = [("state", "=", "pending"), ("company_id", "=", self.env.company.id)]
        if scope == SCOPE_MINE:
            domain.append(("user_id", "=", self.env.uid))
        [(count, amount, oldest)] = self.env["credit.hold"]._read_group(
            domain, [], ["__count", "amount_company:sum", "request_date:min"]
        )
        return self._overview_card(
            "holds_pending",
            _("Holds Pending"),
            amount or 0.0,
            count=count,
            measure="amount_company",
            sequence=10,
            tone="warning" if count else "success",
            action=self._overview_action(
                _("Pending Credit Holds"), "credit.hold", domain, xmlid="credit_control.action_credit_hold"
            ),
            details=[
                {"label": _("Holds"), "value": count, "value_type": "integer"},
                {"label": _("Oldest"), "value": age_in_days(oldest, self._overview_today()), "value_type": "days"},
            ],
        )

    def _overview_cards_receivables(self, scope):
        if not self._overview_can_read("account.move.line"):
            return []
        lines = self.env["account.move.line"]
        open_domain = self._overview_receivable_domain(scope)
        overdue_domain = self._overview_receivable_domain(scope, overdue_only=True)
        [(open_count, receivable)] = lines._read_group(open_domain, [], ["__count", "amount_residual:sum"])
        [(overdue_count, overdue)] = lines._read_group(overdue_domain, [], ["__count", "amount_residual:sum"])
        receivable, overdue = receivable or 0.0, overdue or 0.0
        ratio = share(overdue, receivable)
        views = [(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")]
        return [
            self._overview_card(
                "receivables",
                _("Open Receivables"),
                receivable,
                count=open_count,
                measure="amount_residual",
                sequence=20,
                action=self._overview_action(_("Open Receivables"), "account.move.line", open_domain, views=views),
                details=[{"label": _("Open Items"), "value": open_count, "value_type": "integer"}],
            ),
            self._overview_card(
                "overdue",
                _("Overdue"),
                overdue,
                count=overdue_count,
                measure="amount_residual",
                sequence=30,
                tone="danger" if overdue else "success",
                action=self._overview_action(_("Overdue Items"), "account.move.line", overdue_domain, views=views),
                details=[
                    {"label": _("Overdue Ratio"), "value": ratio, "value_type": "percent"},
                    {"label": _("Overdue Items"), "value": overdue_count, "value_type": "integer"},
                ],
            ),
        ]

    def _overview_card_top_debtors(self, scope):
        if not self._overview_can_read("account.move.line"):
            return None
        overdue_domain = self._overview_receivable_domain(scope, overdue_only=True)
        groups = self.env["account.move.line"]._read_group(
            overdue_domain,
            ["partner_id"],
            ["amount_residual:sum"],
            order="amount_residual:sum desc",
            limit=TOP_DEBTORS,
        )
        views = [(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")]
        items = []
        for partner, amount in groups:
            domain = overdue_domain + [("partner_id", "=", partner.id)]
            items.append(
                {
                    "label": partner.display_name or _("Unknown"),
                    "value": amount or 0.0,
                    "value_type": "monetary",
                    "action": self._overview_action(
                        _("Overdue Items of %s", partner.display_name), "account.move.line", domain, views=views
                    ),
                }
            )
        return self._overview_card(
            "top_debtors",
            _("Top Debtors by Overdue"),
            sum(item["value"] for item in items),
            count=len(items),
            measure="amount_residual",
            sequence=60,
            layout="list",
            action=self._overview_action(
                _("Overdue Items"),
                "account.move.line",
                overdue_domain + [("partner_id", "in", [partner.id for partner, _amount in groups])],
                views=views,
            ),
            items=items,
        )

    def _overview_card_limits(self, scope):
        """Customers whose exposure is near (90 %) or over their limit in force, from one run of
        the figure queries over the customers that have a limit."""
        if scope == SCOPE_MINE or not self.env.user.has_group("credit_control.group_credit_user"):
            return None
        near_ids, over_ids = self._overview_limit_partner_ids()
        domain = [("id", "in", near_ids + over_ids)]
        action_xmlid = "credit_control.action_partner_credit"
        return self._overview_card(
            "limits",
            _("Near or Over Limit"),
            len(near_ids) + len(over_ids),
            value_type="integer",
            count=len(near_ids) + len(over_ids),
            sequence=40,
            tone="danger" if over_ids else ("warning" if near_ids else "success"),
            action=self._overview_action(_("Customers Near or Over Their Limit"), "res.partner", domain, action_xmlid),
            details=[
                {
                    "label": _("Over Limit"),
                    "value": len(over_ids),
                    "value_type": "integer",
                    "action": self._overview_action(
                        _("Customers Over Their Limit"), "res.partner", [("id", "in", over_ids)], action_xmlid
                    ),
                },
                {
                    "label": _("Near Limit"),
                    "value": len(near_ids),
                    "value_type": "integer",
                    "action": self._overview_action(
                        _("Customers Near Their Limit"), "res.partner", [("id", "in", near_ids)], action_xmlid
                    ),
                },
            ],
        )

    def _overview_card_alerts(self, scope):
        if not self._overview_can_read("credit.alert"):
            return None
        alerts = self.env["credit.alert"]
        domain = [("state", "=", "new"), ("company_id", "=", self.env.company.id)]
        if scope == SCOPE_MINE:
            domain.append(("user_id", "=", self.env.uid))
        labels = dict(alerts._fields["alert_type"]._description_selection(self.env))
        items = []
        total = 0
        for alert_type, count in alerts._read_group(domain, ["alert_type"], ["__count"], order="__count desc"):
            total += count
            items.append(
                {
                    "label": labels.get(alert_type, alert_type),
                    "value": count,
                    "value_type": "integer",
                    "action": self._overview_action(
                        _("Alerts: %s", labels.get(alert_type, alert_type)),
                        "credit.alert",
                        domain + [("alert_type", "=", alert_type)],
                        xmlid="credit_control.action_credit_alert",
                    ),
                }
            )
        return self._overview_card(
            "alerts",
            _("Alerts to Act On"),
            total,
            value_type="integer",
            count=total,
            sequence=50,
            layout="list",
            tone="danger" if total else "success",
            action=self._overview_action(
                _("Alerts to Act On"), "credit.alert", domain, xmlid="credit_control.action_credit_alert"
            ),
            items=items,
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _get_overview_scope(self, scope):
        """Credit users see the whole company unless they ask for their own; others their own."""
        if scope != SCOPE_MINE and self.env.user.has_group("credit_control.group_credit_user"):
            return SCOPE_ALL
        return SCOPE_MINE

    def _overview_today(self):
        return fields.Date.context_today(self)

    def _overview_can_read(self, model_name):
        return self.env[model_name].has_access("read")

    def _overview_receivable_domain(self, scope, overdue_only=False):
        """Open receivable items of the company (the lines of the credit figures)."""
        domain = [
            ("company_id", "=", self.env.company.id),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("account_id.account_type", "=", "asset_receivable"),
        ]
        if overdue_only:
            domain += [
                ("amount_residual", ">", 0),
                ("date_maturity", "<", fields.Date.to_string(self._overview_today())),
            ]
        if scope == SCOPE_MINE:
            domain.append(("move_id.invoice_user_id", "=", self.env.uid))
        return domain

    def _overview_limit_partner_ids(self):
        """(near ids, over ids): customers of the company with a limit, by limit usage."""
        company = self.env.company
        today = self._overview_today()
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_company(company)
            .search([("credit_limit", ">", 0), "|", ("is_company", "=", True), ("parent_id", "=", False)])
        )
        figures = self.env["credit.exposure"].sudo()._get_figures(partners, company, today=today)
        near_ids, over_ids = [], []
        for partner in partners:
            figure = figures.get(partner.id)
            if not figure:
                continue
            limit = partner._credit_limit_in_force(today)
            band = limit_usage_band(figure.exposure, limit)
            if band == USAGE_OVER:
                over_ids.append(partner.id)
            elif band == USAGE_NEAR:
                near_ids.append(partner.id)
        return sorted(near_ids), sorted(over_ids)

    def _overview_card(self, key, title, value, value_type="monetary", **values):
        card = {
            "key": key,
            "title": title,
            "value": value,
            "value_type": value_type,
            "count": 0,
            "measure": None,
            "currency_id": self.env.company.currency_id.id,
            "sequence": 100,
            "tone": "",
            "layout": "figure",
            "details": [],
            "items": [],
            "chart": None,
            "action": None,
        }
        card.update(values)
        return card

    def _overview_list_card(self, key, title, res_model, domain, measure, xmlid, sequence, detail, by_count=False):
        """A card over the records of ``domain``: its figure is their count (``by_count``) or the
        sum of their ``measure``, the other one its ``detail`` line; it opens their list."""
        [(count, amount)] = self.env[res_model]._read_group(domain, [], ["__count", "%s:sum" % measure])
        amount = amount or 0.0
        if by_count:
            value, value_type, measure = count, "integer", None
            details = [{"label": detail, "value": amount, "value_type": "monetary"}]
        else:
            value, value_type = amount, "monetary"
            details = [{"label": detail, "value": count, "value_type": "integer"}]
        return self._overview_card(
            key,
            title,
            value,
            value_type=value_type,
            count=count,
            measure=measure,
            sequence=sequence,
            tone="warning" if count else "success",
            action=self._overview_action(title, res_model, domain, xmlid=xmlid),
            details=details,
        )

    def _overview_action(self, name, res_model, domain, xmlid=None, views=None, context=None):
        """A window action listing exactly ``domain`` (no default filter of the menu's action)."""
        action = {
            "type": "ir.actions.act_window",
            "res_model": res_model,
            "views": views or [(False, "list"), (False, "form")],
        }
        if xmlid:
            base = self.env["ir.actions.act_window"].sudo()._for_xml_id(xmlid)
            for key in ("views", "search_view_id", "help"):
                if base.get(key):
                    action[key] = base[key]
        # the card opens the list first, whatever the menu's action shows first
        action["views"] = sorted(action["views"], key=lambda view: view[1] != "list")
        action.update(
            {
                "name": name,
                "domain": domain,
                "context": dict(context or {}, create=False),
                "target": "current",
            }
        )
        return action
