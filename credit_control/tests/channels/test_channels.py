import json
import logging
import socket
import time
from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ...models.channels import credit_channel_message
from ..common import CreditControlCommon
from .robot_server import (
    DINGTALK_KEYWORD,
    DINGTALK_SECRET,
    DINGTALK_TOKEN,
    FEISHU_HOOK,
    FEISHU_SECRET,
    WECOM_KEY,
    RobotServer,
)

MESSAGE_LOGGER = "odoo.addons.credit_control.models.channels.credit_channel_message"


def closed_port():
    """A port on 127.0.0.1 nobody listens on: the robot is down."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class ChannelsCommon(CreditControlCommon):
    """One robot of each kind pointed at the local server, with the right secrets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RobotServer()
        cls.addClassCleanup(cls.server.start())
        cls.env["credit.channel"].search([]).write({"active": False})
        events = cls.env["credit.channel.event"].search([])
        cls.events = {event.code: event for event in events}
        Channel = cls.env["credit.channel"]
        cls.dingtalk = Channel.create(
            {
                "name": "Credit team (DingTalk)",
                "kind": "dingtalk",
                "webhook_url": "%s/dingtalk/robot/send?access_token=%s" % (cls.server.url, DINGTALK_TOKEN),
                "secret": DINGTALK_SECRET,
                "keyword": DINGTALK_KEYWORD,
                "lang": "en_US",
                "event_ids": [fields.Command.set(events.ids)],
            }
        )
        cls.feishu = Channel.create(
            {
                "name": "Credit team (Feishu)",
                "kind": "feishu",
                "webhook_url": "%s/feishu/open-apis/bot/v2/hook/%s" % (cls.server.url, FEISHU_HOOK),
                "secret": FEISHU_SECRET,
                "lang": "en_US",
                "event_ids": [fields.Command.set(cls.events["hold_created"].ids)],
            }
        )
        cls.wecom = Channel.create(
            {
                "name": "Credit team (WeCom)",
                "kind": "wecom",
                "webhook_url": "%s/wecom/cgi-bin/webhook/send?key=%s" % (cls.server.url, WECOM_KEY),
                "lang": "en_US",
                "event_ids": [fields.Command.set(cls.events["hold_decided"].ids)],
            }
        )
        cls.Message = cls.env["credit.channel.message"]

    def setUp(self):
        super().setUp()
        self.server.reset()

    def outbox(self, channel=None):
        domain = [("channel_id", "=", channel.id)] if channel else [("channel_id.active", "=", True)]
        return self.Message.search(domain, order="id")

    def send(self):
        self.Message._cron_send()
        self.env.invalidate_all()

    def queue_tests(self, channel, count, prefix="Event"):
        for index in range(count):
            self.Message._enqueue_for_channels(
                channel, "test", None, {"title": "%s %s" % (prefix, index + 1), "body": "body %s" % (index + 1)}
            )
        return self.outbox(channel)

    def hold_order(self, amount=1500.0):
        order = self.create_order(self.customer, amount)
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        return order.credit_hold_ids


@tagged("post_install", "-at_install", "credit_control")
class TestChannelOutbox(ChannelsCommon):
    """Events write outbox rows in the business transaction; the cron sends them after commit,
    each robot with its exact protocol."""

    def test_hold_created_is_queued_then_sent_with_the_robots_signatures(self):
        hold = self.hold_order()
        self.assertFalse(self.server.received, "nothing is sent inside the transaction")
        dingtalk, feishu = self.outbox(self.dingtalk), self.outbox(self.feishu)
        self.assertEqual((dingtalk.event, dingtalk.state), ("hold_created", "queued"))
        self.assertEqual(dingtalk.title, "Credit hold %s: Acme Retail" % hold.name)
        self.assertIn("**Amount**: $\xa01,500.00", dingtalk.body)
        self.assertIn("- %s" % hold.reason_ids[0].message.replace("_", "\\_"), dingtalk.body)
        self.assertIn("[Release or reject](%s/odoo/credit.hold/%s)" % (hold.get_base_url(), hold.id), dingtalk.body)
        self.assertEqual((dingtalk.res_model, dingtalk.res_id), ("credit.hold", hold.id))
        self.assertFalse(self.outbox(self.wecom), "WeCom hears of decisions only")
        self.send()
        self.assertEqual((dingtalk.state, feishu.state), ("sent", "sent"), dingtalk.error or feishu.error)
        self.assertTrue(dingtalk.sent_date)
        accepted = dict(self.server.accepted)
        self.assertEqual(accepted["/dingtalk"]["msgtype"], "markdown")
        self.assertIn(DINGTALK_KEYWORD, accepted["/dingtalk"]["markdown"]["text"], "keyword added")
        self.assertIn(hold.name, accepted["/feishu"]["card"]["header"]["title"]["content"])
        self.assertIn("Release or reject", accepted["/feishu"]["card"]["elements"][0]["content"])
        self.send()
        self.assertEqual(len(self.server.received), 2, "a sent message is never sent again")

    def test_rolled_back_transaction_leaves_nothing_to_send(self):
        order = self.create_order(self.customer, 1500.0)
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            order.action_confirm()
            self.assertTrue(order.credit_hold_ids)
            self.assertEqual(len(self.outbox()), 2, "written in the transaction")
            raise RuntimeError("the confirmation's transaction fails")
        self.env.invalidate_all()
        self.assertFalse(self.outbox(), "the rollback took the outbox rows with it")
        self.send()
        self.assertFalse(self.server.received)

    def test_hold_decisions_reach_wecom_in_the_channels_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["zh_CN"], overwrite=True)
        self.wecom.lang = "zh_CN"
        hold = self.hold_order()
        hold.with_user(self.credit_manager)._reject("Too much risk")
        message = self.outbox(self.wecom)
        self.assertEqual(message.event, "hold_decided")
        self.assertIn("拒绝", message.title, "the core's word for rejected, in the robot's language")
        self.assertIn("Too much risk", message.body)
        self.assertIn("Carla Credit", message.body)
        self.send()
        self.assertEqual(message.state, "sent", message.error)
        [(_prefix, body)] = [item for item in self.server.accepted if item[0] == "/wecom"]
        self.assertTrue(body["markdown"]["content"].startswith("## %s" % message.title))

    def test_release_is_told_and_a_failed_release_tells_nothing(self):
        hold = self.hold_order()
        hold.with_user(self.credit_manager)._release("Known customer")
        self.assertEqual(hold.order_id.state, "sale")
        decided = self.outbox(self.wecom)
        self.assertIn("released", decided.title)
        other = self.hold_order(1600.0)
        other.order_id.state = "cancel"
        with self.assertRaisesText(Exception, "no longer a quotation"):
            other.with_user(self.credit_manager)._release("Try")
        self.assertEqual(self.outbox(self.wecom), decided, "the refused release wrote no message")

    def test_send_test_message(self):
        self.wecom.with_user(self.credit_manager).action_send_test()
        message = self.outbox(self.wecom)
        self.assertEqual((message.event, message.title), ("test", "Test message from Odoo Credit Control"))
        self.assertEqual(
            message.body,
            "The robot Credit team (WeCom) receives the credit events of %s." % self.company.name.replace("_", "\\_"),
        )
        self.send()
        self.assertEqual(message.state, "sent", message.error)

    def test_discuss_channel(self):
        discuss = self.env["discuss.channel"].create({"name": "credit-team"})
        channel = self.env["credit.channel"].create(
            {
                "name": "Discuss",
                "kind": "discuss",
                "discuss_channel_id": discuss.id,
                "event_ids": [fields.Command.set(self.events["hold_created"].ids)],
            }
        )
        hold = self.hold_order()
        self.send()
        self.assertEqual(self.outbox(channel).state, "sent")
        post = discuss.message_ids[:1]
        self.assertIn("<b>Credit hold %s: Acme Retail</b>" % hold.name, str(post.body))
        self.assertIn('href="%s/odoo/credit.hold/%s"' % (hold.get_base_url(), hold.id), str(post.body))
        self.assertEqual(post.author_id, self.env.ref("base.partner_root"))

    def test_alerts_limit_cuts_and_registry_changes_are_events_of_their_own(self):
        Alert = self.env["credit.alert"]
        vals = [
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "alert_type": alert_type,
                "event_key": "k-%s" % alert_type,
                "message": "Something about %s" % alert_type,
            }
            for alert_type in ("limit_cut", "registry_status", "exposure")
        ]
        alerts = Alert._raise_alerts(vals)
        by_event = {message.event: message for message in self.outbox(self.dingtalk)}
        self.assertEqual(set(by_event), {"limit_cut", "registry_status", "alert"})
        self.assertEqual(by_event["limit_cut"].res_id, alerts.filtered(lambda a: a.alert_type == "limit_cut").id)
        self.assertIn("Credit limit cut: Acme Retail", by_event["limit_cut"].title)
        self.assertIn("Something about limit\\_cut", by_event["limit_cut"].body)
        Alert._raise_alerts(vals)
        self.assertEqual(len(self.outbox(self.dingtalk)), 3, "an alert raised once is told once")

    def test_many_alerts_at_once_make_one_summary(self):
        partners = self.env["res.partner"].create([{"name": "Customer %s" % index} for index in range(25)])
        self.env["credit.alert"]._raise_alerts(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "alert_type": "exposure",
                    "event_key": "first-score",
                    "message": "Near the limit",
                }
                for partner in partners
            ]
        )
        message = self.outbox(self.dingtalk)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.title, "25 events: Credit alert")
        self.assertEqual(message.body.count("\n- ") + 1, 20)
        self.assertIn("…and 5 more.", message.body)

    def test_limit_request_event_of_another_feature(self):
        """The limit-request feature calls _enqueue("limit_request", company, request, values)."""
        partner = self.customer
        messages = self.Message._enqueue(
            "limit_request",
            self.company,
            partner,
            {"title": "Limit request LR0001: Acme Retail", "lines": ["**Requested limit**: $ 5,000.00"]},
        )
        self.assertEqual(messages.channel_id, self.dingtalk)
        self.assertEqual(messages.title, "Limit request LR0001: Acme Retail")
        self.assertIn("**Requested limit**: $ 5,000.00", messages.body)
        self.assertIn(
            "[Approve or refuse](%s/odoo/res.partner/%s)" % (partner.get_base_url(), partner.id), messages.body
        )
        self.assertFalse(
            self.Message._enqueue("limit_request", self.env["res.company"].create({"name": "Other"}), partner)
        )

    def test_submitted_limit_request_is_told_to_the_robots(self):
        request = (
            self.env["credit.limit.request"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "kind": "increase",
                    "requested_limit": 5000.0,
                    "justification": "Grows",
                }
            )
        )
        self.Message.sudo().search([]).unlink()
        request.with_user(self.salesman).action_submit()
        self.assertEqual(request.state, "to_approve")
        message = self.outbox(self.dingtalk).filtered(lambda m: m.event == "limit_request")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.title, "Limit request to approve: %s" % request.display_name)
        self.assertIn("**Customer**: Acme Retail", message.body)
        self.assertIn("**Requested limit**: $\xa05,000.00", message.body)
        self.assertIn("**Requested by**: Sam Sales", message.body)

    def test_daily_digest_once_a_day(self):
        hold = self.hold_order()
        late = self.create_invoice(self.customer, 400.0, days_ago=40, due_in=10)
        self.assertTrue(late)
        self.Message.sudo().search([]).unlink()
        self.Message._cron_daily_digest()
        digest = self.outbox(self.dingtalk)
        self.assertEqual(digest.event, "digest")
        self.assertIn("**Holds pending**: 1 ($\xa0%s)" % f"{hold.amount_company:,.2f}", digest.body)
        self.assertIn("**Overdue total**: $\xa0400.00", digest.body)
        self.assertIn(
            "- [Acme Retail](%s/odoo/res.partner/%s): $\xa0400.00" % (self.customer.get_base_url(), self.customer.id),
            digest.body,
        )
        self.Message._cron_daily_digest()
        self.assertEqual(len(self.outbox(self.dingtalk)), 1, "one digest a day")
        self.assertFalse(self.outbox(self.feishu), "Feishu did not subscribe to the digest")


@tagged("post_install", "-at_install", "credit_control")
class TestChannelDelivery(ChannelsCommon):
    """Signatures refused, outages, garbage, rate limits, throttling digests and secrets."""

    def test_wrong_secret_stale_timestamp_and_wrong_key_are_refused(self):
        self.dingtalk.secret = "SECwrong"
        self.feishu.secret = "wrong-feishu"
        self.wecom.webhook_url = "%s/wecom/cgi-bin/webhook/send?key=bad-key" % self.server.url
        for channel in (self.dingtalk, self.feishu, self.wecom):
            self.queue_tests(channel, 1)
        with self.assertLogs(MESSAGE_LOGGER, logging.INFO) as logs:
            self.send()
        by_channel = {message.channel_id: message for message in self.outbox()}
        self.assertEqual(by_channel[self.dingtalk].error, "error 310000: signature, keyword or IP check failed")
        self.assertEqual(by_channel[self.feishu].error, "error 19021: bad signature or stale timestamp")
        self.assertEqual(by_channel[self.wecom].error, "error 93000: invalid webhook key")
        self.assertEqual(set(self.outbox().mapped("state")), {"failed"}, "a misconfigured robot is not retried")
        self.assertFalse(self.server.accepted)
        for secret in ("SECwrong", "wrong-feishu", "bad-key", DINGTALK_TOKEN):
            self.assertNotIn(secret, "\n".join(logs.output) + "".join(self.outbox().mapped("error")))
        # the right secrets, but a timestamp two hours old: refused as the providers do
        self.dingtalk.secret = DINGTALK_SECRET
        self.feishu.secret = FEISHU_SECRET
        for channel in (self.dingtalk, self.feishu):
            message = self.queue_tests(channel, 1, "Stale")[-1:]
            answer = message._deliver(time.time() - 7200)
            self.assertFalse(answer.ok)
            self.assertTrue(answer.fatal)
            self.assertIn(answer.code, (310000, 19021))
            self.assertTrue(message._deliver(time.time()).ok, "the same message, signed now, is accepted")

    def test_keyword_required_by_the_robot(self):
        self.dingtalk.keyword = False
        self.queue_tests(self.dingtalk, 1)
        self.send()
        self.assertEqual(self.outbox(self.dingtalk).state, "failed")
        self.dingtalk.keyword = DINGTALK_KEYWORD
        self.outbox(self.dingtalk).action_retry()
        self.send()
        self.assertEqual(self.outbox(self.dingtalk).state, "sent")

    def test_outage_garbage_and_http_errors_retry_with_backoff_and_never_block(self):
        self.feishu.webhook_url = "http://127.0.0.1:%s/feishu/open-apis/bot/v2/hook/%s" % (closed_port(), FEISHU_HOOK)
        self.server.scripts["/wecom"] = [(200, b"<html>502 Bad Gateway</html>"), (500, b"")]
        feishu = self.queue_tests(self.feishu, 2)
        wecom = self.queue_tests(self.wecom, 2)
        dingtalk = self.queue_tests(self.dingtalk, 1)
        now = fields.Datetime.now()
        with freeze_time(now):
            self.send()
        self.assertEqual(dingtalk.state, "sent", "a dead robot does not stop the others")
        self.assertEqual(feishu.mapped("state"), ["retry", "queued"], "one attempt per run on a robot that failed")
        self.assertEqual(feishu[0].attempt_count, 1)
        self.assertEqual(feishu[0].error, "connection failed (ConnectionError)")
        self.assertEqual(feishu[0].next_attempt, now + timedelta(seconds=60))
        self.assertEqual(wecom.mapped("state"), ["retry", "queued"])
        self.assertEqual(wecom[0].error, "unreadable answer (HTTP 200)")
        with freeze_time(now + timedelta(seconds=30)):
            self.send()
        self.assertEqual(feishu.mapped("attempt_count"), [1, 1], "the first one not before its back-off")
        self.assertEqual((wecom[1].state, wecom[1].error), ("retry", "HTTP 500"))
        with freeze_time(now + timedelta(seconds=61)):
            self.send()
        self.assertEqual((feishu[0].attempt_count, feishu[0].next_attempt), (2, now + timedelta(seconds=61 + 120)))
        self.assertEqual(wecom.mapped("state"), ["sent", "retry"], "the robot is back")
        with freeze_time(now + timedelta(seconds=91)):
            self.send()
        self.assertEqual(wecom.mapped("state"), ["sent", "sent"])
        self.assertEqual(len([item for item in self.server.accepted if item[0] == "/wecom"]), 2)
        for _attempt in range(3):
            with freeze_time(feishu[0].next_attempt):
                self.send()
        self.assertEqual((feishu[0].state, feishu[0].attempt_count), ("failed", 5))
        self.assertEqual(feishu[1].state, "retry")

    def test_dingtalk_rate_limit_and_digest_of_what_does_not_fit(self):
        messages = self.queue_tests(self.dingtalk, 25)
        self.send()
        sent = messages.filtered(lambda message: message.state == "sent")
        digested = messages.filtered(lambda message: message.state == "digested")
        self.assertEqual((len(sent), len(digested)), (19, 6), "19 alone, the 6 that do not fit in one digest")
        digest = digested.digest_id
        self.assertEqual((digest.event, digest.state), ("throttled_digest", "sent"))
        self.assertEqual(digest.title, "6 credit events while the robot was busy")
        self.assertIn("- Event 20\n", digest.body)
        self.assertEqual(len(self.server.accepted), 20, "20 per minute")
        late = self.queue_tests(self.dingtalk, 1, "Late")[-1:]
        self.send()
        self.assertEqual(late.state, "queued", "the minute is full: it waits")
        self.assertEqual(len(self.server.received), 20)

    def test_feishu_five_per_second(self):
        messages = self.queue_tests(self.feishu, 7)
        start = time.time()
        clock = SimpleNamespace(time=lambda: start, monotonic=time.monotonic)
        with patch.object(credit_channel_message, "time", clock):
            self.send()
        self.assertEqual(messages.mapped("state"), ["sent"] * 5 + ["queued"] * 2)
        clock.time = lambda: start + 1.5
        with patch.object(credit_channel_message, "time", clock):
            self.send()
        self.assertEqual(messages.mapped("state"), ["sent"] * 7)

    def test_throttled_answer_waits_then_sends_one_digest(self):
        self.server.scripts["/dingtalk"] = [
            (200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        ]
        messages = self.queue_tests(self.dingtalk, 3)
        now = fields.Datetime.now()
        with freeze_time(now):
            self.send()
        self.assertEqual(messages.mapped("state"), ["retry", "queued", "queued"])
        self.assertEqual(messages[0].error, "error 130101: sending too fast")
        self.assertEqual(self.dingtalk.throttled_until, now + timedelta(seconds=60))
        with freeze_time(now + timedelta(seconds=10)):
            self.send()
        self.assertEqual(set(messages.mapped("state")), {"digested"}, "throttled: one digest instead of three")
        digest = messages.digest_id
        self.assertEqual((digest.state, digest.next_attempt), ("queued", now + timedelta(seconds=60)))
        with freeze_time(now + timedelta(seconds=61)):
            self.send()
        self.assertEqual(digest.state, "sent", digest.error)
        [(_prefix, body)] = self.server.accepted
        for title in ("Event 1", "Event 2", "Event 3"):
            self.assertIn("- %s" % title, body["markdown"]["text"])

    def test_cron_commits_per_message_and_claims_with_skip_locked(self):
        messages = self.queue_tests(self.wecom, 2)
        Message = type(self.Message)
        with (
            patch.object(Message, "_channel_auto_commit", return_value=True),
            patch.object(self.env.cr, "commit") as commit,
        ):
            self.Message._cron_send()
        self.assertGreaterEqual(commit.call_count, 3, "after the digest step and after each message")
        self.env.invalidate_all()
        self.assertEqual(messages.mapped("state"), ["sent", "sent"])
        claimed = self.Message._claim_next(set())
        self.assertFalse(claimed)

    def test_secrets_are_for_administrators_only(self):
        channel = self.dingtalk.with_user(self.credit_manager)
        self.assertEqual(channel.name, "Credit team (DingTalk)")
        self.assertTrue(channel.has_webhook)
        for field in ("webhook_url", "secret"):
            with self.assertRaises(AccessError):
                channel.read([field])
        with self.assertRaises(AccessError):
            channel.write({"secret": "stolen"})
        data = channel.read(["name", "kind", "keyword"])[0]
        self.assertNotIn("secret", data)
        # the credit manager subscribes the robot to events and reads the outbox
        channel.event_ids = [fields.Command.set(self.events["digest"].ids)]
        self.queue_tests(self.dingtalk, 1)
        self.assertEqual(len(self.Message.with_user(self.credit_manager).search([("channel_id", "=", channel.id)])), 1)
        with self.assertRaises(AccessError):
            self.dingtalk.with_user(self.salesman).read(["name"])

    def test_bad_configuration_is_refused(self):
        Channel = self.env["credit.channel"]
        with self.assertRaisesText(ValidationError, "must start with https://"):
            Channel.create({"name": "Bad", "kind": "wecom", "webhook_url": "qyapi.weixin.qq.com/send?key=1"})
        with self.assertRaisesText(ValidationError, "Choose the Discuss channel of Team"):
            Channel.create({"name": "Team", "kind": "discuss"})
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            self.feishu.rate_per_second = -1
        self.assertEqual((self.feishu.rate_per_minute, self.feishu.rate_per_second), (100, 5))
        with self.assertRaisesText(ValidationError, "among customer, amount, company and level"):
            self.env["credit.sms.gateway"].create(
                {
                    "name": "G",
                    "kind": "aliyun",
                    "sign_name": "S",
                    "template_code": "T",
                    "template_params": "customer,iban",
                }
            )
        self.assertFalse(Channel.search([("name", "in", ("Bad", "Team"))]), "nothing half-written")
        unconfigured = Channel.create(
            {"name": "No URL", "kind": "wecom", "event_ids": [fields.Command.set(self.events["alert"].ids)]}
        )
        self.assertFalse(unconfigured.with_user(self.credit_manager).has_webhook)
        message = self.queue_tests(unconfigured, 1)
        self.send()
        self.assertEqual((message.state, message.error), ("failed", "no webhook URL"))

    def test_payload_fields_are_exact(self):
        message = self.queue_tests(self.feishu, 1)
        self.send()
        self.assertEqual(message.state, "sent")
        method, path, _headers, body = self.server.received[-1]
        data = json.loads(body)
        self.assertEqual((method, path), ("POST", "/feishu/open-apis/bot/v2/hook/%s" % FEISHU_HOOK))
        self.assertEqual(sorted(data), ["card", "msg_type", "sign", "timestamp"])
        self.assertEqual(data["msg_type"], "interactive")
