import json
import time
import uuid
from urllib.parse import urlsplit

import requests

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...lib.channels.robots import redact
from ...lib.channels.sms import (
    ALIYUN_HOST,
    TENCENT_HOST,
    SmsAnswer,
    aliyun_params,
    aliyun_query,
    parse_aliyun,
    parse_tencent,
    tencent_request,
)

GATEWAY_KINDS = [
    ("aliyun", "Aliyun SMS (阿里云短信)"),
    ("tencent", "Tencent Cloud SMS (腾讯云短信)"),
]
DEFAULT_ENDPOINTS = {
    "aliyun": "https://%s" % ALIYUN_HOST,
    "tencent": "https://%s" % TENCENT_HOST,
}
# provider codes that mean the number is wrong, or the account is
NUMBER_CODES = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberOnBlacklist",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
}
ACCOUNT_CODES = {
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
    "InvalidTimeStamp.Expired",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "AuthFailure.SignatureFailure",
    "AuthFailure.SignatureExpire",
    "AuthFailure.SecretIdNotFound",
    "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.TemplateIncorrectOrUnapproved",
}


class CreditSmsGateway(models.Model):
    """A company's SMS account at Aliyun or Tencent Cloud, for the dunning SMS.

    Both send approved templates only: the template's parameters are filled from the dunning
    communication (customer, amount, company, level) in the order given here. The keys are
    readable by administrators only and never written into an error.
    """

    _name = "credit.sms.gateway"
    _description = "SMS Gateway"
    _order = "company_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(GATEWAY_KINDS, required=True, default="aliyun")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    endpoint = fields.Char(
        compute="_compute_endpoint",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="The provider's API address.",
    )
    access_key_id = fields.Char(
        string="Access Key ID / SecretId",
        groups="base.group_system",
        copy=False,
        help="Aliyun AccessKeyId, Tencent SecretId.",
    )
    access_key_secret = fields.Char(
        string="Access Key Secret / SecretKey",
        groups="base.group_system",
        copy=False,
        help="Aliyun AccessKeySecret, Tencent SecretKey.",
    )
    app_id = fields.Char(string="SDK App ID", help="Tencent: the SmsSdkAppId of the SMS application.")
    region = fields.Char(default="ap-guangzhou", help="Tencent: the region (ap-guangzhou, ap-beijing, ap-nanjing).")
    sign_name = fields.Char(required=True, help="The approved signature (签名) shown as 【...】.")
    template_code = fields.Char(
        string="Template", required=True, help="Aliyun TemplateCode (SMS_...), Tencent TemplateId."
    )
    template_params = fields.Char(
        default="customer,amount",
        required=True,
        help="The template's parameters in order, among customer, amount, company, level: "
        "Aliyun names them ${customer}, Tencent numbers them {1}, {2}.",
    )
    timeout = fields.Float(default=10.0)

    @api.depends("kind")
    def _compute_endpoint(self):
        for gateway in self:
            if not gateway.endpoint or gateway.endpoint in DEFAULT_ENDPOINTS.values():
                gateway.endpoint = DEFAULT_ENDPOINTS.get(gateway.kind)

    @api.constrains("template_params")
    def _check_template_params(self):
        allowed = {"customer", "amount", "company", "level"}
        for gateway in self:
            names = gateway._param_names()
            if not names or set(names) - allowed:
                raise ValidationError(
                    _("The template parameters must be among customer, amount, company and level, comma separated.")
                )

    def _param_names(self):
        return [name.strip() for name in (self.template_params or "").split(",") if name.strip()]

    def _send_sms(self, number, values, now=None):
        """Send one SMS to ``number`` (E.164) with the template filled from ``values``;
        returns the SmsAnswer, never raises."""
        self.ensure_one()
        gateway = self.sudo()
        now = time.time() if now is None else now
        params = {name: str(values.get(name) or "") for name in gateway._param_names()}
        secrets = [gateway.access_key_secret, gateway.access_key_id]
        try:
            if gateway.kind == "aliyun":
                signed = aliyun_params(
                    gateway.access_key_id or "",
                    gateway.access_key_secret or "",
                    number,
                    gateway.sign_name,
                    gateway.template_code,
                    params,
                    now,
                    uuid.uuid4().hex,
                )
                response = requests.get(
                    "%s/?%s" % (gateway.endpoint.rstrip("/"), aliyun_query(signed)), timeout=gateway.timeout
                )
                answer = parse_aliyun(response.status_code, response.text)
            else:
                host = urlsplit(gateway.endpoint).netloc
                headers, payload = tencent_request(
                    gateway.access_key_id or "",
                    gateway.access_key_secret or "",
                    host,
                    gateway.region,
                    gateway.app_id or "",
                    gateway.sign_name,
                    gateway.template_code,
                    [params[name] for name in gateway._param_names()],
                    number,
                    now,
                )
                response = requests.post(
                    gateway.endpoint.rstrip("/") + "/", data=payload.encode(), headers=headers, timeout=gateway.timeout
                )
                answer = parse_tencent(response.status_code, response.text)
        except requests.Timeout:
            return SmsAnswer(False, None, "no answer in time", None)
        except requests.RequestException as error:
            return SmsAnswer(False, None, "connection failed (%s)" % error.__class__.__name__, None)
        return answer._replace(error=redact(answer.error, secrets))

    @api.model
    def _failure_type(self, code):
        """sms.sms failure type of a provider code."""
        if code in NUMBER_CODES:
            return "sms_number_format"
        if code in ACCOUNT_CODES:
            return "sms_acc"
        return "sms_server"

    @staticmethod
    def _dump_params(values):
        return json.dumps(values, ensure_ascii=False)
