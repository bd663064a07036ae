from odoo import _, fields, models


class CreditDunningCommunication(models.Model):
    _inherit = "credit.dunning.communication"

    sms_id = fields.Many2one("sms.sms", string="SMS", readonly=True, ondelete="set null")
    sms_state = fields.Selection(related="sms_id.state", string="SMS Status")
    sms_gateway_error = fields.Char(related="sms_id.credit_error", string="SMS Error")

    def _send(self, pdfs=None):
        """After the channels, the robots hear of a customer reaching the policy's last level."""
        res = super()._send(pdfs)
        if self.state == "sent" and self.level_id and self.level_id == self.policy_id._levels_by_rank()[-1:]:
            self.env["credit.channel.message"]._enqueue("dunning_final", self.company_id, self)
        return res

    def _post_history(self):
        """The level's SMS is queued through Odoo's SMS (``sms.sms``, the customer's chatter,
        the opt-out list) once the other channels are written, so the history note tells
        whether it went; without a valid number, or opted out, the reason is noted and the
        other channels (an activity when there is no other) take over."""
        if self.channel_sms and self.sms_text:
            self._queue_sms()
        return super()._post_history()

    def _queue_sms(self):
        self.ensure_one()
        number = self.phone_e164
        reason = False
        if not number:
            if self.phone_invalid:
                reason = _("the number %(number)s is invalid", number=self.phone)
            else:
                reason = _("no phone number")
        elif self.env["phone.blacklist"].sudo().search_count([("number", "=", number), ("active", "=", True)]):
            reason = _("the number %(number)s opted out of SMS", number=number)
        if reason:
            note = _("The SMS was not sent (%(reason)s).", reason=reason)
            vals = {"channel_sms": False, "note": "\n".join(filter(None, [self.note, note]))}
            if not (self.channel_email or self.channel_letter or self.channel_call or self.channel_activity):
                vals.update(self._schedule_activity(self.level_id, self._phone_check(self.recipient_id), call=False))
            self.write(vals)
            return
        recipient = self.recipient_id or self.partner_id
        message = self.partner_id.sudo()._message_sms(
            self.sms_text,
            partner_ids=recipient.ids,
            sms_pid_to_number={recipient.id: number},
            put_in_queue=True,
        )
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)], limit=1)
        sms.write(
            {
                "credit_company_id": self.company_id.id,
                "credit_template_values": self.env["credit.sms.gateway"]._dump_params(self._text_values()),
            }
        )
        self.sms_id = sms
        self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
