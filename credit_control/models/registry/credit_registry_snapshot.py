from odoo import _, api, fields, models
from odoo.tools import create_index

REGISTRY_STATUSES = [
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("insolvency_liquidation", "Insolvency or liquidation"),
    ("dissolved", "Dissolved"),
    ("unknown", "Unknown"),
]


class CreditRegistrySnapshot(models.Model):
    """What one registry said about one customer's company when it was asked.

    Every call leaves a snapshot, failed ones included (with the error and the HTTP status), so
    the history shows when a registry was asked and what it answered. ``is_latest`` marks the
    last call per customer and provider: the refresh finds the stale ones through it. Snapshots
    are written by the ``credit.registry.fetcher`` service, which asks the registries, records
    their answers and derives the customer's registry status from them.
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
    call_count = fields.Integer(
        string="Calls", default=1, readonly=True, help="Calls this check made: the details, then the legal-risk lists."
    )
    risk_checked = fields.Boolean(
        string="Legal Risk Checked", readonly=True, help="The provider's legal-risk records were asked for."
    )
    risk_error = fields.Char(
        string="Legal Risk Errors", readonly=True, help="The lists of records the provider gave no answer for."
    )
    risk_payload = fields.Text(
        string="Raw Legal Risk Answers",
        readonly=True,
        groups="base.group_system",
        help="The provider's legal-risk answers, without personal data.",
    )
    risk_event_ids = fields.One2many(
        "credit.risk.event", "snapshot_id", string="Legal Risk Records First Reported", readonly=True
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

    @api.depends("provider_id", "partner_id")
    def _compute_display_name(self):
        for snapshot in self:
            snapshot.display_name = "%s: %s" % (snapshot.provider_id.name or "", snapshot.partner_id.display_name or "")

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

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

    def unlink(self):
        """Deleting answers (a credit manager cleaning the history) updates the customers' status."""
        partner_ids = self.partner_id.ids
        result = super().unlink()
        self.env["credit.registry.fetcher"]._update_partners(partner_ids)
        return result
