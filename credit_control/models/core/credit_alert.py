from odoo import _, api, fields, models
from odoo.exceptions import UserError

ALERT_STATES = [
    ("new", "New"),
    ("acknowledged", "Acknowledged"),
]


class CreditAlert(models.Model):
    """An early warning about a customer's credit, raised once per event.

    Every producer (scoring, registry, dunning, exposure checks) passes an ``event_key`` that
    names the event; an alert whose (company, customer, type, key) already exists is never
    raised again, so a cron that runs every day does not flood anyone.
    """

    _name = "credit.alert"
    _description = "Credit Alert"
    _inherit = ["mail.thread", "mail.activity.mixin", "credit.code.terms.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    # above this number of new alerts of a company at once, alerts are logged, not notified
    _notify_limit = 50

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    alert_type = fields.Selection(selection="_get_alert_types", string="Type", required=True, readonly=True, index=True)
    event_key = fields.Char(
        required=True, readonly=True, help="Names the event, so that the same event never raises two alerts."
    )
    message = fields.Text(
        readonly=True, translate=True, help="Written by the feature that raised the alert, in every installed language."
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True, index=True)
    state = fields.Selection(ALERT_STATES, default="new", required=True, readonly=True, index=True, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, index=True, help="The customer's salesperson."
    )
    acknowledged_by_id = fields.Many2one("res.users", readonly=True)
    acknowledged_date = fields.Datetime(string="Acknowledged On", readonly=True)

    _sql_constraints = [
        (
            "event_unique",
            "unique(company_id, partner_id, alert_type, event_key)",
            "This event has already raised an alert for this customer.",
        ),
    ]

    @api.model
    def _get_alert_types(self):
        """[(type, label)] of the alerts the features raise; each extends it with ``super()``."""
        return []

    @api.depends("alert_type", "partner_id")
    def _compute_name(self):
        labels = dict(self._get_alert_types())
        for alert in self:
            alert.name = "%s: %s" % (labels.get(alert.alert_type, ""), alert.partner_id.display_name or "")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        """Mark the alerts as seen and dealt with."""
        if not self.env.user.has_group("credit_control.group_credit_user"):
            raise UserError(_("Only credit users can acknowledge credit alerts."))
        self.filtered(lambda alert: alert.state == "new").write(
            {
                "state": "acknowledged",
                "acknowledged_by_id": self.env.user.id,
                "acknowledged_date": fields.Datetime.now(),
            }
        )
        return True

    def action_reopen(self):
        self.filtered(lambda alert: alert.state == "acknowledged").write(
            {"state": "new", "acknowledged_by_id": False, "acknowledged_date": False}
        )
        return True

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Raising
    # ------------------------------------------------------------------

    @api.model
    def _raise_alerts(self, vals_list):
        """Create the alerts whose event is new and notify the responsible people.

        ``vals_list``: dicts with partner_id (commercial partner), company_id, alert_type,
        event_key and message. A message is best given as a function of an environment that
        writes it with ``env._()`` (and ``formatLang(env, …)``): each installed language then
        gets its own text, and a Chinese credit manager reads the alert in Chinese. Returns the
        created alerts (events already raised are skipped, also duplicates inside ``vals_list``).
        """
        if not vals_list:
            return self.browse()
        keys = {(v["company_id"], v["partner_id"], v["alert_type"], v["event_key"]): v for v in vals_list}
        existing = self._existing_event_keys(keys)
        new_vals = [vals for key, vals in keys.items() if key not in existing]
        if not new_vals:
            return self.browse()
        partners = self.env["res.partner"].browse({vals["partner_id"] for vals in new_vals})
        salesperson = {partner.id: partner.user_id.id for partner in partners}
        english = self.with_context(lang="en_US")
        renderers = [vals.get("message") if callable(vals.get("message")) else None for vals in new_vals]
        alerts = english.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(
            [
                dict(
                    vals,
                    user_id=salesperson.get(vals["partner_id"]) or False,
                    message=render(english.env) if render else vals.get("message"),
                )
                for vals, render in zip(new_vals, renderers, strict=True)
            ]
        )
        alerts._write_message_translations(renderers)
        alerts = alerts.with_env(self.env)
        alerts._notify_responsible()
        return alerts

    def _write_message_translations(self, renderers):
        """The alerts' messages in every installed language but English, from their renderers."""
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        rows = []
        for lang in langs:
            env = self.with_context(lang=lang).env
            for alert, render in zip(self, renderers, strict=True):
                if render:
                    rows.append((alert.id, lang, render(env)))
        if rows:
            self._write_translations_sql("message", rows)

    def _existing_event_keys(self, keys):
        """The (company, partner, type, key) tuples among ``keys`` that already raised an alert."""
        self.env.cr.execute(
            """
            SELECT company_id, partner_id, alert_type, event_key
              FROM credit_alert
             WHERE partner_id = ANY(%s) AND event_key = ANY(%s)
            """,
            [list({key[1] for key in keys}), list({key[3] for key in keys})],
        )
        return set(self.env.cr.fetchall())

    def _notify_responsible(self):
        """Make the customer's salesperson and the company's credit managers follow the alerts
        and tell them.

        Followers are added per group of alerts with the same recipients (a few queries for
        any number). Up to ``_notify_limit`` alerts of a company, each is posted and notifies
        its followers; beyond (a first scoring over a whole book raises the alerts of every
        customer's state), each gets a note in its chatter without notifications, so nobody's
        inbox is flooded and the alerts are still listed and followed.
        """
        for company, alerts in self.grouped("company_id").items():
            managers = company._get_credit_managers().partner_id
            for salesperson, group in alerts.grouped("user_id").items():
                group.message_subscribe(partner_ids=(managers | salesperson.partner_id).ids)
            if len(alerts) <= self._notify_limit:
                for alert in alerts:
                    alert.message_post(
                        body=alert.message or alert.name,
                        subject=alert.name,
                        subtype_xmlid="credit_control.mt_credit_alert",
                    )
            else:
                alerts._message_log_batch({alert.id: alert.message or alert.name for alert in alerts})
