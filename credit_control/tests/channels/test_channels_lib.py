import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs, quote_plus, urlsplit

from odoo.tests import BaseCase, tagged

from ...lib.channels import robots, sms


@tagged("post_install", "-at_install", "credit_control")
class TestChannelsLib(BaseCase):
    """Signatures against the providers' published examples, answers, rate windows, back-off."""

    def test_dingtalk_signature_and_url(self):
        secret = "SEC0123456789abcdef"
        expected = base64.b64encode(
            hmac.new(secret.encode(), b"1700000000000\n" + secret.encode(), hashlib.sha256).digest()
        ).decode()
        self.assertEqual(robots.dingtalk_sign(secret, "1700000000000"), expected)
        url, body = robots.build_request(
            "dingtalk",
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
            secret,
            "信用",
            "T",
            "Body",
            1700000000.0,
        )
        query = parse_qs(urlsplit(url).query)
        self.assertEqual(query["access_token"], ["abc"])
        self.assertEqual(query["timestamp"], ["1700000000000"], "milliseconds")
        self.assertEqual(query["sign"], [expected], "URL-decoded, the sign is the base64 HMAC")
        self.assertIn("sign=" + quote_plus(expected), url, "the sign is URL-encoded in the query")
        self.assertEqual(body["msgtype"], "markdown")
        self.assertEqual(body["markdown"]["text"], "Body\n\n信用", "the keyword is added when missing")

    def test_feishu_signature_in_body(self):
        secret = "feishu-secret"
        expected = base64.b64encode(hmac.new(b"1700000000\nfeishu-secret", b"", hashlib.sha256).digest()).decode()
        self.assertEqual(robots.feishu_sign(secret, "1700000000"), expected)
        url, body = robots.build_request(
            "feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/x", secret, "", "T", "B", 1700000000.9
        )
        self.assertEqual(url, "https://open.feishu.cn/open-apis/bot/v2/hook/x", "nothing in the URL")
        self.assertEqual(body["timestamp"], "1700000000", "seconds")
        self.assertEqual(body["sign"], expected)
        self.assertEqual(body["card"]["elements"][0], {"tag": "markdown", "content": "B"})

    def test_wecom_key_stays_in_url(self):
        url, body = robots.build_request(
            "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", "", "", "T", "B", 1.0
        )
        self.assertEqual(url, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1")
        self.assertEqual(body, {"msgtype": "markdown", "markdown": {"content": "## T\nB"}})

    def test_answers(self):
        ok = robots.parse_answer("dingtalk", 200, '{"errcode":0,"errmsg":"ok"}')
        self.assertTrue(ok.ok)
        fast = robots.parse_answer("dingtalk", 200, '{"errcode":130101,"errmsg":"send too fast"}')
        self.assertEqual((fast.ok, fast.throttled, fast.code), (False, True, 130101))
        sign = robots.parse_answer("feishu", 200, '{"code":19021,"msg":"sign match fail"}')
        self.assertEqual((sign.ok, sign.fatal, sign.code), (False, True, 19021))
        self.assertIn("bad signature", sign.error)
        self.assertTrue(robots.parse_answer("feishu", 200, '{"code":11232,"msg":"frequency limited"}').throttled)
        self.assertTrue(robots.parse_answer("feishu", 200, '{"StatusCode":0,"StatusMessage":"success"}').ok)
        self.assertTrue(
            robots.parse_answer("wecom", 200, '{"errcode":45009,"errmsg":"api freq out of limit"}').throttled
        )
        garbage = robots.parse_answer("wecom", 200, "<html>bad gateway</html>")
        self.assertEqual((garbage.ok, garbage.fatal, garbage.error), (False, False, "unreadable answer (HTTP 200)"))
        self.assertEqual(robots.parse_answer("wecom", 502, "").error, "HTTP 502")
        self.assertFalse(robots.parse_answer("wecom", 200, '{"errcode":"x"}').ok)

    def test_redact(self):
        text = "POST https://oapi.dingtalk.com/robot/send?access_token=tok123&timestamp=1&sign=abc%2B failed SECxyz"
        clean = robots.redact(text, ["SECxyz"])
        for secret in ("tok123", "abc", "SECxyz"):
            self.assertNotIn(secret, clean)

    def test_rate_window_and_backoff(self):
        window = robots.RateWindow(20, 0, [100.0 + i for i in range(20)])
        self.assertEqual(window.free_slots(119.5), 0)
        self.assertAlmostEqual(window.wait(119.5), 40.5, msg="the oldest of the 20 leaves the minute at 160")
        self.assertEqual(window.wait(161.0), 0)
        feishu = robots.RateWindow(100, 5)
        for _i in range(5):
            self.assertEqual(feishu.wait(10.0), 0)
            feishu.record(10.0)
        self.assertAlmostEqual(feishu.wait(10.2), 0.8, msg="5 per second")
        self.assertEqual(feishu.wait(11.01), 0)
        self.assertEqual([robots.backoff_seconds(n) for n in (1, 2, 3, 7, 10)], [60, 120, 240, 3600, 3600])

    def test_markdown_html_escapes(self):
        html = robots.markdown_html("**A** <script>\n- [x](https://e.com/a)\n" + robots.markdown_escape("a*b_c"))
        self.assertEqual(html, '<b>A</b> &lt;script&gt;<br/>• <a href="https://e.com/a">x</a><br/>a*b_c')

    def test_aliyun_signature_of_the_documented_example(self):
        """Aliyun's documentation example (RPC signature 1.0): AccessKeyId testId, secret
        testSecret, its parameters give the signature zJDF+Lrzhj/ThnlvIToysFRq6t4=."""
        params = {
            "AccessKeyId": "testId",
            "Action": "SendSms",
            "Format": "XML",
            "OutId": "123",
            "PhoneNumbers": "15300000001",
            "RegionId": "cn-hangzhou",
            "SignName": "阿里云短信测试专用",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
            "SignatureVersion": "1.0",
            "TemplateCode": "SMS_71390007",
            "TemplateParam": '{"customer":"test"}',
            "Timestamp": "2017-07-12T02:42:19Z",
            "Version": "2017-05-25",
        }
        self.assertTrue(
            sms.aliyun_string_to_sign("GET", params).startswith("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms")
        )
        self.assertEqual(sms.aliyun_signature("testSecret", "GET", params), "zJDF+Lrzhj/ThnlvIToysFRq6t4=")
        self.assertEqual(sms.aliyun_encode("a b*~"), "a%20b%2A~")

    def test_aliyun_params(self):
        params = sms.aliyun_params("id", "secret", "+8613800138000", "签名", "SMS_1", {"customer": "客户"}, 0, "n1")
        self.assertEqual(params["PhoneNumbers"], "8613800138000")
        self.assertEqual(params["Timestamp"], "1970-01-01T00:00:00Z")
        self.assertEqual(json.loads(params["TemplateParam"]), {"customer": "客户"})
        self.assertEqual(params["Signature"], sms.aliyun_signature("secret", "GET", params))
        self.assertEqual(sms.parse_aliyun(200, '{"Code":"OK","BizId":"9"}').reference, "9")
        refused = sms.parse_aliyun(200, '{"Code":"SignatureDoesNotMatch","Message":"bad"}')
        self.assertEqual((refused.ok, refused.code), (False, "SignatureDoesNotMatch"))
        self.assertFalse(sms.parse_aliyun(200, "garbage").ok)

    def test_tencent_signature_of_the_documented_example(self):
        """Tencent Cloud's signature v3 example (CVM DescribeInstances, 2019-02-25): the same
        TC3-HMAC-SHA256 steps with service "cvm" give its published signature."""
        payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
        authorization = sms.tencent_authorization(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "cvm.tencentcloudapi.com",
            payload,
            1551113065,
            service="cvm",
        )
        self.assertEqual(
            authorization,
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
            "SignedHeaders=content-type;host, "
            "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
        )

    def test_tencent_request(self):
        headers, payload = sms.tencent_request(
            "AKID",
            "KEY",
            "sms.tencentcloudapi.com",
            "ap-guangzhou",
            "1400",
            "签名",
            "T1",
            ["客户", "¥ 5"],
            "+8613800138000",
            1700000000,
        )
        self.assertEqual(headers["X-TC-Action"], "SendSms")
        self.assertEqual(headers["X-TC-Version"], "2021-01-11")
        self.assertTrue(
            headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/sms/tc3_request")
        )
        self.assertEqual(
            headers["Authorization"],
            sms.tencent_authorization("AKID", "KEY", "sms.tencentcloudapi.com", payload, 1700000000),
        )
        self.assertEqual(json.loads(payload)["TemplateParamSet"], ["客户", "¥ 5"])
        ok = sms.parse_tencent(200, '{"Response":{"SendStatusSet":[{"Code":"Ok","SerialNo":"s1"}],"RequestId":"r"}}')
        self.assertEqual((ok.ok, ok.reference), (True, "s1"))
        error = sms.parse_tencent(200, '{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"x"}}}')
        self.assertEqual(error.code, "AuthFailure.SignatureFailure")
        self.assertFalse(sms.parse_tencent(200, '{"Response":{"SendStatusSet":[]}}').ok)
