"""SMS gateways: Aliyun SMS (dysmsapi SendSms, RPC signature version 1.0, HMAC-SHA1) and
Tencent Cloud SMS (SendSms 2021-01-11, TC3-HMAC-SHA256), requests and answers."""

import base64
import hashlib
import hmac
import json
import time
from collections import namedtuple
from urllib.parse import quote

ALIYUN_HOST = "dysmsapi.aliyuncs.com"
ALIYUN_VERSION = "2017-05-25"
TENCENT_HOST = "sms.tencentcloudapi.com"
TENCENT_SERVICE = "sms"
TENCENT_VERSION = "2021-01-11"
TENCENT_CONTENT_TYPE = "application/json; charset=utf-8"

SmsAnswer = namedtuple("SmsAnswer", "ok code error reference")


# ----------------------------------------------------------------------
# Aliyun
# ----------------------------------------------------------------------


def aliyun_encode(value):
    """Percent-encoding of the Aliyun RPC signature (RFC 3986: only A-Z a-z 0-9 - _ . ~ kept,
    space as %20, * as %2A)."""
    return quote(str(value), safe="-_.~")


def aliyun_string_to_sign(method, params):
    """ "GET&%2F&" + the encoded canonical query (parameters sorted by name, Signature excluded)."""
    canonical = "&".join(
        "%s=%s" % (aliyun_encode(key), aliyun_encode(params[key])) for key in sorted(params) if key != "Signature"
    )
    return "%s&%s&%s" % (method, aliyun_encode("/"), aliyun_encode(canonical))


def aliyun_signature(secret, method, params):
    """base64 of HMAC-SHA1 keyed by AccessKeySecret + "&" over the string to sign."""
    string_to_sign = aliyun_string_to_sign(method, params)
    digest = hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def aliyun_number(e164):
    """Aliyun takes the country code and the number without "+" (86 for mainland China)."""
    return e164.lstrip("+")


def aliyun_params(access_key_id, secret, number, sign_name, template_code, template_params, now, nonce):
    """The signed query parameters of one SendSms GET request."""
    params = {
        "AccessKeyId": access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": aliyun_number(number),
        "RegionId": "cn-hangzhou",
        "SignName": sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        "TemplateCode": template_code,
        "TemplateParam": json.dumps(template_params, ensure_ascii=False, separators=(",", ":")),
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "Version": ALIYUN_VERSION,
    }
    params["Signature"] = aliyun_signature(secret, "GET", params)
    return params


def aliyun_query(params):
    """The query string of a signed request, encoded as the signature was."""
    return "&".join("%s=%s" % (aliyun_encode(key), aliyun_encode(value)) for key, value in params.items())


def parse_aliyun(status, text):
    """{"Code": "OK", "BizId": ...} is sent; any other code is the refusal."""
    try:
        data = json.loads(text or "")
    except ValueError:
        data = None
    if not isinstance(data, dict) or not data.get("Code"):
        return SmsAnswer(False, None, "unreadable answer (HTTP %s)" % status, None)
    if data["Code"] == "OK":
        return SmsAnswer(True, "OK", "", data.get("BizId"))
    return SmsAnswer(False, data["Code"], "%s: %s" % (data["Code"], str(data.get("Message") or "")[:200]), None)


# ----------------------------------------------------------------------
# Tencent Cloud
# ----------------------------------------------------------------------


def _hmac_sha256(key, message):
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def tencent_authorization(secret_id, secret_key, host, payload, timestamp, service=TENCENT_SERVICE):
    """The TC3-HMAC-SHA256 Authorization header of a POST of ``payload`` (the exact body) to /."""
    date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            "content-type:%s\nhost:%s\n" % (TENCENT_CONTENT_TYPE, host),
            "content-type;host",
            hashlib.sha256(payload.encode()).hexdigest(),
        ]
    )
    scope = "%s/%s/tc3_request" % (date, service)
    string_to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    secret_date = _hmac_sha256(("TC3" + secret_key).encode(), date)
    secret_service = _hmac_sha256(secret_date, service)
    secret_signing = _hmac_sha256(secret_service, "tc3_request")
    signature = hmac.new(secret_signing, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=content-type;host, Signature=%s" % (
        secret_id,
        scope,
        signature,
    )


def tencent_request(secret_id, secret_key, host, region, app_id, sign_name, template_id, params, number, now):
    """(headers, body) of one SendSms request."""
    payload = json.dumps(
        {
            "PhoneNumberSet": [number],
            "SmsSdkAppId": app_id,
            "SignName": sign_name,
            "TemplateId": template_id,
            "TemplateParamSet": [str(value) for value in params],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    timestamp = int(now)
    headers = {
        "Authorization": tencent_authorization(secret_id, secret_key, host, payload, timestamp),
        "Content-Type": TENCENT_CONTENT_TYPE,
        "Host": host,
        "X-TC-Action": "SendSms",
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Version": TENCENT_VERSION,
        "X-TC-Region": region,
    }
    return headers, payload


def parse_tencent(status, text):
    """{"Response": {"SendStatusSet": [{"Code": "Ok"}]}} is sent; an "Error" or another code
    is the refusal."""
    try:
        data = json.loads(text or "")
    except ValueError:
        data = None
    response = data.get("Response") if isinstance(data, dict) else None
    if not isinstance(response, dict):
        return SmsAnswer(False, None, "unreadable answer (HTTP %s)" % status, None)
    error = response.get("Error")
    if isinstance(error, dict):
        code = str(error.get("Code") or "")
        return SmsAnswer(False, code, "%s: %s" % (code, str(error.get("Message") or "")[:200]), None)
    statuses = response.get("SendStatusSet")
    if not isinstance(statuses, list) or not statuses or not isinstance(statuses[0], dict):
        return SmsAnswer(False, None, "unreadable answer (HTTP %s)" % status, None)
    first = statuses[0]
    if first.get("Code") == "Ok":
        return SmsAnswer(True, "Ok", "", first.get("SerialNo"))
    code = str(first.get("Code") or "")
    return SmsAnswer(False, code, "%s: %s" % (code, str(first.get("Message") or "")[:200]), None)
