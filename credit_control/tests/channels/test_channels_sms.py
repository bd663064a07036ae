import json
import time
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sms.tools.sms_api import SmsApi

from ..dunning.test_dunning import DunningCommon
from .robot_server import (
    ALIYUN_KEY_ID,
    ALIYUN_SECRET,
    DINGTALK_KEYWORD,
    DINGTALK_SECRET,
    DINGTALK_TOKEN,
    TENCENT_APP_ID,
    TENCENT_SECRET_ID,
    TENCENT_SECRET_KEY,
    RobotServer,
)
from .test_channels import closed_port

SMS_TEXT = "%(company)s: %(amount)s overdue for %(customer)s."


@tagged("post_install", "-at_install", "credit_control")
class TestChannelsSms(DunningCommon):
    """Dunning SMS through Odoo's sms.sms, sent by the company's gateway (Aliyun, Tencent Cloud
    or Odoo IAP); invalid and opted-out numbers fall back with the reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RobotServer()
        cls.addClassCleanup(cls.server.start())
        cls.levels.write({"sms_text": SMS_TEXT})
        cls.china = cls.env.ref("base.cn")
        cls.customer.write({"phone": "138 0013 8000", "country_id": cls.china.id})
        Gateway = cls.env["credit.sms.gateway"]
        cls.aliyun = Gateway.create(
            {
                "name": "Aliyun",
                "kind": "aliyun",
                "endpoint": cls.server.url + "/aliyun",
                "access_key_id": ALIYUN_KEY_ID,
                "access_key_secret": ALIYUN_SECRET,
                "sign_name": "信用管理",
                "template_code": "SMS_154950909",
                "template_params": "customer,amount",
            }
        )
        cls.tencent = Gateway.create(
            {
                "name": "Tencent",
                "kind": "tencent",
                "endpoint": cls.server.url + "/tencent",
                "access_key_id": TENCENT_SECRET_ID,
                "access_key_secret": TENCENT_SECRET_KEY,
                "app_id": TENCENT_APP_ID,
                "region": "ap-guangzhou",
                "sign_name": "信用管理",
                "template_code": "449739",
                "template_params": "customer,amount,company",
            }
        )

    def setUp(self):
        super().setUp()
        self.server.reset()

    def dun(self, partner=None):
        self.invoice_due(partner or self.customer, 100.0, -10)
        return self.communication(self.run_dunning(), partner or self.customer)

    def send_sms(self):
        self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).send(unlink_sent=False)
        self.env.invalidate_all()

    def test_aliyun_sends_the_template_signed_after_commit(self):
        self.company.credit_sms_gateway_id = self.aliyun
        communication = self.dun()
        sms = communication.sms_id
        self.assertEqual((sms.state, sms.number), ("outgoing", "+8613800138000"), "queued, not sent in the run")
        self.assertEqual(communication.channels, "Email, SMS")
        self.assertFalse(self.server.received)
        chatter = self.customer.message_ids.filtered(lambda message: message.message_type == "sms")
        self.assertEqual(
            chatter.body and str(chatter.body), "<p>%s: $&nbsp;100.00 overdue for Acme Retail.</p>" % self.company.name
        )
        self.assertEqual(sms.mail_message_id, chatter)
        self.send_sms()
        [(provider, params)] = self.server.sms
        self.assertEqual(provider, "aliyun")
        self.assertEqual(params["PhoneNumbers"], "8613800138000")
        self.assertEqual((params["SignName"], params["TemplateCode"]), ("信用管理", "SMS_154950909"))
        self.assertEqual(json.loads(params["TemplateParam"]), {"customer": "Acme Retail", "amount": "$\xa0100.00"})
        self.assertEqual((sms.state, sms.credit_reference), ("pending", "900619746936498440^0"))
        self.assertEqual(communication.sms_state, "pending")
        self.assertEqual(chatter.notification_ids.notification_status, "pending")

    def test_aliyun_wrong_secret_and_stale_timestamp_are_refused(self):
        self.company.credit_sms_gateway_id = self.aliyun
        self.aliyun.access_key_secret = "wrong-secret"
        sms = self.dun().sms_id
        self.send_sms()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_acc"))
        self.assertEqual(sms.credit_error, "SignatureDoesNotMatch: Specified signature is not matched.")
        self.assertEqual(sms.mail_message_id.notification_ids.notification_status, "exception")
        self.assertFalse(self.server.sms)
        self.aliyun.access_key_secret = ALIYUN_SECRET
        stale = self.aliyun._send_sms("+8613800138000", {"customer": "A"}, now=time.time() - 3600)
        self.assertEqual(stale.code, "InvalidTimeStamp.Expired")
        self.assertTrue(self.aliyun._send_sms("+8613800138000", {"customer": "A"}).ok)
        wrong_number = self.aliyun._send_sms("+8612", {"customer": "A"})
        self.assertEqual(self.env["credit.sms.gateway"]._failure_type(wrong_number.code), "sms_number_format")

    def test_tencent_tc3_signature(self):
        self.company.credit_sms_gateway_id = self.tencent
        sms = self.dun().sms_id
        self.send_sms()
        [(provider, payload)] = self.server.sms
        self.assertEqual(provider, "tencent")
        self.assertEqual(payload["PhoneNumberSet"], ["+8613800138000"])
        self.assertEqual(payload["TemplateParamSet"], ["Acme Retail", "$\xa0100.00", self.company.name])
        self.assertEqual((payload["SignName"], payload["TemplateId"]), ("信用管理", "449739"))
        self.assertEqual((sms.state, sms.credit_reference), ("pending", "5000:1045710669157053657849499619"))
        self.tencent.access_key_secret = "wrong"
        refused = self.tencent._send_sms("+8613800138000", {"customer": "A"})
        self.assertEqual((refused.ok, refused.code), (False, "AuthFailure.SignatureFailure"))
        self.tencent.access_key_secret = TENCENT_SECRET_KEY
        stale = self.tencent._send_sms("+8613800138000", {"customer": "A"}, now=time.time() - 600)
        self.assertEqual(stale.code, "AuthFailure.SignatureExpire")
        self.assertNotIn(TENCENT_SECRET_KEY, refused.error + stale.error)

    def test_gateway_outage_and_garbage(self):
        self.company.credit_sms_gateway_id = self.aliyun
        self.server.scripts["/aliyun"] = [(200, b"<html>oops</html>")]
        sms = self.dun().sms_id
        self.send_sms()
        self.assertEqual(
            (sms.state, sms.failure_type, sms.credit_error), ("error", "sms_server", "unreadable answer (HTTP 200)")
        )
        self.aliyun.endpoint = "http://127.0.0.1:%s" % closed_port()
        down = self.aliyun._send_sms("+8613800138000", {})
        self.assertEqual(down.error, "connection failed (ConnectionError)")

    def test_odoo_iap_without_a_gateway(self):
        self.assertFalse(self.company.credit_sms_gateway_id)
        sms = self.dun().sms_id

        def iap(api, messages, delivery_reports_url=False):
            return [
                {"uuid": number["uuid"], "state": "success"} for message in messages for number in message["numbers"]
            ]

        with patch.object(SmsApi, "_send_sms_batch", autospec=True, side_effect=iap) as batch:
            self.send_sms()
        self.assertEqual(batch.call_count, 1)
        self.assertEqual(batch.call_args.args[1][0]["numbers"][0]["number"], "+8613800138000")
        self.assertEqual(sms.state, "pending")
        self.assertFalse(self.server.received)

    def test_invalid_and_opted_out_numbers_fall_back_with_the_reason(self):
        self.company.credit_sms_gateway_id = self.aliyun
        bad = self.new_customer("Bad Phone", phone="12345", country_id=self.china.id)
        communication = self.dun(bad)
        self.assertFalse(communication.sms_id)
        self.assertFalse(communication.channel_sms)
        self.assertEqual(communication.channels, "Email")
        self.assertIn("The SMS was not sent (the number 12345 is invalid).", communication.note)
        self.env["phone.blacklist"].sudo().add("+8613900139000")
        opted = self.new_customer("Opted Out", phone="13900139000", country_id=self.china.id, email=False)
        communication = self.dun(opted)
        self.assertFalse(communication.sms_id)
        self.assertIn("The SMS was not sent (the number +8613900139000 opted out of SMS).", communication.note)
        self.assertEqual(communication.channels, "Letter", "no email: the letter, as before")
        nothing = self.new_customer(
            "No Channel", phone="12", country_id=self.china.id, email=False, street=False, city=False
        )
        communication = self.dun(nothing)
        self.assertTrue(communication.activity_id, "no email, no address, no SMS: an activity")
        self.assertIn("invalid", communication.note)
        self.assertFalse(self.env["sms.sms"].sudo().search([("partner_id", "in", (bad | opted | nothing).ids)]))

    def test_gateway_keys_are_for_administrators_only(self):
        gateway = self.aliyun.with_user(self.credit_manager)
        self.assertEqual(gateway.sign_name, "信用管理")
        for field in ("access_key_id", "access_key_secret"):
            with self.assertRaises(AccessError):
                gateway.read([field])

    def test_final_level_and_broken_promise_reach_the_robots(self):
        channel = self.env["credit.channel"].create(
            {
                "name": "Credit team",
                "kind": "dingtalk",
                "webhook_url": "%s/dingtalk/robot/send?access_token=%s" % (self.server.url, DINGTALK_TOKEN),
                "secret": DINGTALK_SECRET,
                "keyword": DINGTALK_KEYWORD,
                "lang": "en_US",
                "event_ids": [
                    fields.Command.set(
                        self.env["credit.channel.event"]
                        .search([("code", "in", ("dunning_final", "broken_promise"))])
                        .ids
                    )
                ],
            }
        )
        Message = self.env["credit.channel.message"]
        self.levels.write({"sms_text": False})
        self.invoice_due(self.customer, 100.0, -30)
        run = self.run_schedule(-23, -15)
        self.assertFalse(Message.search([("channel_id", "=", channel.id)]), "not the last level yet")
        run = self.run_schedule(0)
        final = self.communication(run, self.customer)
        self.assertEqual(final.level_id.name, "Final notice")
        message = Message.search([("channel_id", "=", channel.id)])
        self.assertEqual((message.event, message.title), ("dunning_final", "Final dunning level reached: Acme Retail"))
        self.assertIn("**Overdue**: $\xa0100.00", message.body)
        self.assertIn("/odoo/credit.dunning.communication/%s" % final.id, message.body)
        # a promise on another customer, broken when the run settles it
        other = self.new_customer("Promise Breaker")
        invoice = self.invoice_due(other, 300.0, -10)
        promise = self.env["credit.promise"].create(
            {"partner_id": other.id, "move_id": invoice.id, "amount": 300.0, "date": self.today + timedelta(days=2)}
        )
        with freeze_time(self.today + timedelta(days=5)):
            self.env["credit.dunning.selection"]._select(self.company, self.today + timedelta(days=5))
        self.assertEqual(promise.state, "broken")
        broken = Message.search([("channel_id", "=", channel.id), ("event", "=", "broken_promise")])
        self.assertEqual(broken.title, "Promise to pay broken: Promise Breaker")
        self.assertIn("**Promised**: $\xa0300.00", broken.body)
        Message._cron_send()
        self.assertEqual(set(Message.search([("channel_id", "=", channel.id)]).mapped("state")), {"sent"})
