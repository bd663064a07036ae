"""A local stand-in for the DingTalk, Feishu and WeCom robots and the Aliyun and Tencent Cloud
SMS APIs on 127.0.0.1: each request's signature is recomputed here, independently of the
addon's code, exactly as the provider documents it, and refused when wrong or stale."""

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

DINGTALK_TOKEN = "dt-access-token-123"
DINGTALK_SECRET = "SECdingtalk0123456789abcdef"
DINGTALK_KEYWORD = "信用"
FEISHU_HOOK = "0f1e2d3c-feishu-hook"
FEISHU_SECRET = "feishu-signing-secret"
WECOM_KEY = "693a91f6-7xxx-wecom-key"
ALIYUN_KEY_ID = "LTAI5tAliyunKeyId"
ALIYUN_SECRET = "aliyun-access-key-secret"
TENCENT_SECRET_ID = "AKIDtencentSecretId"
TENCENT_SECRET_KEY = "tencent-secret-key"
TENCENT_APP_ID = "1400787878"


def _json(handler, status, payload):
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class RobotHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        """Quiet: the test reads what was received."""

    def _read(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self._handle("GET", b"")

    def do_POST(self):
        self._handle("POST", self._read())

    def _handle(self, method, body):
        server = self.server
        path = urlsplit(self.path).path
        server.received.append((method, self.path, dict(self.headers), body))
        prefix = "/" + path.strip("/").split("/")[0]
        script = server.scripts.get(prefix)
        if script:
            status, payload = script.pop(0)
            return _json(self, status, payload)
        route = {
            "/dingtalk": self._dingtalk,
            "/feishu": self._feishu,
            "/wecom": self._wecom,
            "/aliyun": self._aliyun,
            "/tencent": self._tencent,
        }.get(prefix)
        if not route:
            return _json(self, 404, {"error": "not found"})
        status, payload = route(body)
        if prefix in ("/dingtalk", "/feishu", "/wecom") and not payload.get("errcode", payload.get("code")):
            server.accepted.append((prefix, json.loads(body)))
        return _json(self, status, payload)

    # --- robots --------------------------------------------------------

    def _dingtalk(self, body):
        query = {key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()}
        if query.get("access_token") != DINGTALK_TOKEN:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}
        timestamp = query.get("timestamp", "")
        # DingTalk: the timestamp in ms, within an hour of the server's clock
        if not timestamp.isdigit() or abs(int(timestamp) / 1000 - time.time()) > 3600:
            return 200, {"errcode": 310000, "errmsg": "invalid timestamp"}
        string_to_sign = "%s\n%s" % (timestamp, DINGTALK_SECRET)
        expected = base64.b64encode(
            hmac.new(DINGTALK_SECRET.encode(), string_to_sign.encode(), hashlib.sha256).digest()
        ).decode()
        if query.get("sign") != expected:  # parse_qs URL-decoded it
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        message = json.loads(body)
        if DINGTALK_KEYWORD not in message["markdown"]["text"]:
            return 200, {"errcode": 310000, "errmsg": "keywords not in content"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _feishu(self, body):
        if urlsplit(self.path).path != "/feishu/open-apis/bot/v2/hook/%s" % FEISHU_HOOK:
            return 200, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}
        message = json.loads(body)
        timestamp = str(message.get("timestamp", ""))
        if not timestamp.isdigit() or abs(int(timestamp) - time.time()) > 3600:
            return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
        key = ("%s\n%s" % (timestamp, FEISHU_SECRET)).encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        if message.get("sign") != expected:
            return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
        return 200, {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}

    def _wecom(self, body):
        query = parse_qs(urlsplit(self.path).query)
        if query.get("key") != [WECOM_KEY]:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_xxx]"}
        message = json.loads(body)
        if message.get("msgtype") != "markdown" or not message["markdown"].get("content"):
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    # --- SMS -----------------------------------------------------------

    def _aliyun(self, body):
        params = {key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()}
        if params.get("AccessKeyId") != ALIYUN_KEY_ID:
            return 404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found."}
        stamp = datetime.strptime(params.get("Timestamp", "1970-01-01T00:00:00Z"), "%Y-%m-%dT%H:%M:%SZ")
        if abs(stamp.replace(tzinfo=timezone.utc).timestamp() - time.time()) > 900:
            return 400, {
                "Code": "InvalidTimeStamp.Expired",
                "Message": "Specified time stamp or date value is expired.",
            }
        signature = params.pop("Signature", "")

        def encode(value):
            return quote(value, safe="-_.~")

        canonical = "&".join("%s=%s" % (encode(key), encode(params[key])) for key in sorted(params))
        string_to_sign = "GET&%2F&" + encode(canonical)
        expected = base64.b64encode(
            hmac.new((ALIYUN_SECRET + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
        ).decode()
        if signature != expected:
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
        number = params["PhoneNumbers"]
        if not number.isdigit() or len(number) < 11:
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "r-1"}
        self.server.sms.append(("aliyun", params))
        return 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}

    def _tencent(self, body):
        headers = {key.lower(): value for key, value in self.headers.items()}
        timestamp = headers.get("x-tc-timestamp", "0")
        if abs(int(timestamp) - time.time()) > 300:
            return 200, {
                "Response": {"Error": {"Code": "AuthFailure.SignatureExpire", "Message": "expired"}, "RequestId": "r"}
            }
        date = datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%d")
        canonical = "POST\n/\n\ncontent-type:%s\nhost:%s\n\ncontent-type;host\n%s" % (
            headers.get("content-type"),
            headers.get("host"),
            hashlib.sha256(body).hexdigest(),
        )
        scope = "%s/sms/tc3_request" % date
        string_to_sign = "TC3-HMAC-SHA256\n%s\n%s\n%s" % (
            timestamp,
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        )

        def sign(key, message):
            return hmac.new(key, message.encode(), hashlib.sha256).digest()

        signing = sign(sign(sign(("TC3" + TENCENT_SECRET_KEY).encode(), date), "sms"), "tc3_request")
        expected = "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=content-type;host, Signature=%s" % (
            TENCENT_SECRET_ID,
            scope,
            hmac.new(signing, string_to_sign.encode(), hashlib.sha256).hexdigest(),
        )
        if headers.get("authorization") != expected or headers.get("x-tc-action") != "SendSms":
            return 200, {
                "Response": {
                    "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "signature wrong"},
                    "RequestId": "r",
                }
            }
        payload = json.loads(body)
        if headers.get("x-tc-version") != "2021-01-11" or payload.get("SmsSdkAppId") != TENCENT_APP_ID:
            return 200, {"Response": {"Error": {"Code": "InvalidParameterValue", "Message": "bad"}, "RequestId": "r"}}
        self.server.sms.append(("tencent", payload))
        number = payload["PhoneNumberSet"][0]
        return 200, {
            "Response": {
                "SendStatusSet": [
                    {
                        "SerialNo": "5000:1045710669157053657849499619",
                        "PhoneNumber": number,
                        "Fee": 1,
                        "SessionContext": "",
                        "Code": "Ok",
                        "Message": "send success",
                        "IsoCode": "CN",
                    }
                ],
                "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
            }
        }


class RobotServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RobotHandler)
        self.received = []
        self.accepted = []
        self.sms = []
        # path prefix -> [(status, payload)] answered before the real checks (throttling, garbage)
        self.scripts = {}

    @property
    def url(self):
        return "http://127.0.0.1:%s" % self.server_address[1]

    def reset(self):
        self.received.clear()
        self.accepted.clear()
        self.sms.clear()
        self.scripts.clear()

    def start(self):
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()

        def stop():
            self.shutdown()
            self.server_close()
            thread.join(5)

        return stop
