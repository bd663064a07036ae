import json
import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)


class SmsSms(models.Model):
    _inherit = "sms.sms"

    credit_company_id = fields.Many2one(
        "res.company", readonly=True, help="Dunning SMS: the company whose gateway sends it."
    )
    credit_template_values = fields.Text(readonly=True, help="Dunning SMS: the template's values (JSON).")
    credit_error = fields.Char(string="Gateway Error", readonly=True)
    credit_reference = fields.Char(
        string="Gateway Reference", readonly=True, help="BizId (Aliyun), SerialNo (Tencent)."
    )

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Dunning SMS of a company with an Aliyun or Tencent gateway go through it; every
        other SMS through Odoo's IAP as before."""
        by_gateway = self.filtered(lambda sms: sms.credit_company_id.credit_sms_gateway_id)
        others = self - by_gateway
        res = None
        if others:
            res = super(SmsSms, others)._send(
                unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception
            )
        for gateway, group in by_gateway.grouped(lambda sms: sms.credit_company_id.credit_sms_gateway_id).items():
            group._credit_send_gateway(gateway, unlink_failed, unlink_sent)
        return res

    def _credit_send_gateway(self, gateway, unlink_failed, unlink_sent):
        """One request per SMS (the templates are per customer); the SMS are kept, sent or not,
        as the dunning history of the customer."""
        for sms in self.sudo().with_context(sms_skip_msg_notification=True):
            try:
                values = json.loads(sms.credit_template_values or "{}")
            except ValueError:
                values = {}
            answer = gateway._send_sms(sms.number, values)
            if answer.ok:
                sms.sms_tracker_id._action_update_from_sms_state("pending")
                sms.write(
                    {
                        "state": "pending",
                        "failure_type": False,
                        "credit_error": False,
                        "credit_reference": answer.reference,
                    }
                )
            else:
                failure_type = gateway._failure_type(answer.code)
                _logger.info("credit_control: SMS %s not sent by gateway %s: %s", sms.id, gateway.id, answer.error)
                sms.sms_tracker_id._action_update_from_sms_state(
                    "error", failure_type=failure_type, failure_reason=answer.error
                )
                sms.write(
                    {
                        "state": "error",
                        "failure_type": failure_type,
                        "credit_error": answer.error,
                    }
                )
        self.mail_message_id._notify_message_notification_update()
