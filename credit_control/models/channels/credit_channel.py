from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _lang_get

from ...lib.channels.robots import DINGTALK, DISCUSS, FEISHU, RATE_LIMITS, WECOM

CHANNEL_KINDS = [
    (WECOM, "WeCom group robot"),
    (DINGTALK, "DingTalk custom robot"),
    (FEISHU, "Feishu custom bot"),
    (DISCUSS, "Odoo Discuss channel"),
]


class CreditChannel(models.Model):
    """A chat robot (or a Discuss channel) of the credit team and the events it is told of.

    The webhook URL and the secret sign the messages: only administrators read them, and
    neither is ever logged or written into an error.
    """

    _name = "credit.channel"
    _description = "Credit Channel"
    _inherit = ["mail.thread"]
    _order = "company_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    kind = fields.Selection(CHANNEL_KINDS, required=True, default=WECOM, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    lang = fields.Selection(
        _lang_get,
        string="Language",
        required=True,
        default=lambda self: self.env.lang or "en_US",
        help="The language of the messages.",
    )
    webhook_url = fields.Char(
        string="Webhook URL",
        groups="base.group_system",
        copy=False,
        help="The robot's address, with its access token or key (WeCom: ...?key=...).",
    )
    secret = fields.Char(
        groups="base.group_system",
        copy=False,
        help="The signing secret (DingTalk 加签 SEC..., Feishu 签名校验); empty when the robot checks none.",
    )
    has_webhook = fields.Boolean(compute="_compute_has_webhook", help="Whether an administrator set the webhook.")
    keyword = fields.Char(help="The custom keyword the robot requires in every message (安全设置: 自定义关键词).")
    discuss_channel_id = fields.Many2one("discuss.channel", ondelete="set null")
    event_ids = fields.Many2many("credit.channel.event", string="Events", help="What this robot is told of.")
    rate_per_minute = fields.Integer(
        compute="_compute_rates",
        precompute=True,
        store=True,
        readonly=False,
        help="Messages per minute the robot accepts (DingTalk and WeCom 20, Feishu 100); 0: no limit.",
    )
    rate_per_second = fields.Integer(
        compute="_compute_rates",
        precompute=True,
        store=True,
        readonly=False,
        help="Messages per second (Feishu 5); 0: no limit.",
    )
    timeout = fields.Float(default=10.0, help="Seconds to wait for the robot's answer.")
    throttled_until = fields.Datetime(readonly=True, help="The robot asked to slow down until then.")
    message_ids_outbox = fields.One2many("credit.channel.message", "channel_id", string="Outbox", readonly=True)
    queued_count = fields.Integer(compute="_compute_counts", string="Queued")
    failed_count = fields.Integer(compute="_compute_counts", string="Failed")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("kind")
    def _compute_rates(self):
        for channel in self:
            channel.rate_per_minute, channel.rate_per_second = RATE_LIMITS.get(channel.kind, (0, 0))

    def _compute_has_webhook(self):
        urls = {channel.id: bool(channel.webhook_url) for channel in self.sudo()}
        for channel in self:
            channel.has_webhook = urls.get(channel.id, False)

    def _compute_counts(self):
        counts = {
            (channel.id, state): count
            for channel, state, count in self.env["credit.channel.message"]._read_group(
                [("channel_id", "in", self.ids), ("state", "in", ("queued", "retry", "failed"))],
                ["channel_id", "state"],
                ["__count"],
            )
        }
        for channel in self:
            channel.queued_count = counts.get((channel.id, "queued"), 0) + counts.get((channel.id, "retry"), 0)
            channel.failed_count = counts.get((channel.id, "failed"), 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("kind", "discuss_channel_id")
    def _check_discuss_channel(self):
        for channel in self:
            if channel.kind == DISCUSS and not channel.discuss_channel_id:
                raise ValidationError(_("Choose the Discuss channel of %(channel)s.", channel=channel.name))

    @api.constrains("rate_per_minute", "rate_per_second", "timeout")
    def _check_rates(self):
        for channel in self:
            if channel.rate_per_minute < 0 or channel.rate_per_second < 0 or channel.timeout <= 0:
                raise ValidationError(_("Rate limits cannot be negative and the timeout must be positive."))

    def _check_webhook_url(self):
        """Checked on create and write (a field readable by administrators only)."""
        for channel in self.sudo():
            url = channel.webhook_url or ""
            if url and not url.startswith(("https://", "http://")):
                raise ValidationError(
                    _("The webhook URL of %(channel)s must start with https://.", channel=channel.name)
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        channels = super().create(vals_list)
        channels._check_webhook_url()
        return channels

    def write(self, vals):
        res = super().write(vals)
        if "webhook_url" in vals:
            self._check_webhook_url()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send_test(self):
        """Queue a test message; the outbox cron sends it within a minute."""
        for channel in self:
            self.env["credit.channel.message"]._enqueue_for_channels(
                channel, "test", None, {"channel": channel.name, "company": channel.company_id.name}
            )
        self.env.ref("credit_control.ir_cron_credit_channel_send")._trigger()
        return True

    def action_view_outbox(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Outbox"),
            "res_model": "credit.channel.message",
            "view_mode": "list,form",
            "domain": [("channel_id", "=", self.id)],
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _subscribed(self, event, company):
        """The active channels of ``company`` told of ``event`` (one query)."""
        return self.sudo().search([("company_id", "=", company.id), ("event_ids.code", "=", event)])
