from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_dunning import DunningCommon


class DunningPreviewCommon(DunningCommon):
    """Acme's invoicing contact Mr. Wang, and helpers to read what a preview shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mister = cls.env.ref("base.res_partner_title_mister")
        cls.wang = cls.env["res.partner"].create(
            {
                "name": "Wang",
                "type": "invoice",
                "parent_id": cls.customer.id,
                "title": cls.mister.id,
                "email": "wang@acme.example",
            }
        )
        cls.first_reminder = cls.levels[2]

    def queued_mails(self, communications):
        return self.env["mail.mail"].search(
            [("model", "=", "credit.dunning.communication"), ("res_id", "in", communications.ids)]
        )


@tagged("post_install", "-at_install", "credit_control")
class TestDunningPreview(DunningPreviewCommon):
    """Before Send: the mail, letter and SMS as the customer will get them, to whom, and why not."""

    def test_preview_renders_the_mail_for_the_contact(self):
        invoice = self.invoice_due(self.customer, 1250.0, -10)
        run = self.preview()
        communication = self.communication(run, self.customer).with_user(self.accountant)
        self.assertEqual(communication.level_id, self.first_reminder)
        self.assertEqual(communication.preview_subject, "%s: First reminder" % self.company.name)
        body = str(communication.preview_body)
        self.assertIn("Dear Mr. Wang,", body)
        self.assertIn(invoice.name, body)
        self.assertIn("Total due: <strong>$\xa01,250.00</strong>", body)
        self.assertIn("We have not yet received payment", body, "the level's message")
        self.assertIn(self.company.name, body, "signed by the company")
        self.assertNotIn("Unfollow", body)
        self.assertNotIn("Dunning Communication", body)
        self.assertEqual(communication.preview_recipient, '"Wang" <wang@acme.example>')
        self.assertEqual(communication.preview_channels, "Email")
        self.assertEqual(communication.preview_recipients, 'Email: "Wang" <wang@acme.example>')
        self.assertFalse(communication.preview_issue)
        self.assertFalse(communication.preview_letter, "an email level prints no letter")
        # a preview writes nothing: no email queued, nothing sent, no recipient fixed
        self.assertEqual((communication.state, communication.recipient_id.id), ("draft", False))
        self.assertFalse(self.queued_mails(communication))

    def test_recipients_per_channel(self):
        post_only = self.new_customer("Post Only", email=False, zip="62701", country_id=self.env.ref("base.us").id)
        self.invoice_due(post_only, 300.0, -10)
        self.first_reminder.sms_text = "%(company)s: %(amount)s overdue for %(customer)s. Please pay."
        self.invoice_due(self.customer, 100.0, -10)
        run = self.preview()
        letter = self.communication(run, post_only)
        self.assertEqual(letter.preview_channels, "Letter")
        self.assertEqual(letter.preview_recipient, "2 Main Street, Springfield 62701, United States")
        self.assertFalse(letter.preview_body, "no email address: no email")
        self.assertIn("Post Only", str(letter.preview_letter))
        self.assertIn('<span class="oe_currency_value">300.00</span>', str(letter.preview_letter))
        action = letter.action_download_letter()
        if action["type"] == "ir.actions.report":  # else the company's document layout is asked for first
            self.assertEqual(action["report_name"], "credit_control.report_credit_dunning_letter")
        else:
            self.assertEqual(action["res_model"], "base.document.layout")
        sms = self.communication(run, self.customer)
        self.assertEqual(sms.preview_channels, "Email, SMS")
        self.assertEqual(sms.preview_recipients, 'Email: "Wang" <wang@acme.example>\nSMS: +33123456789')
        text = "%s: $\xa0100.00 overdue for Acme Retail. Please pay." % self.company.name
        self.assertEqual(sms.preview_sms, text)
        self.assertEqual((sms.preview_sms_length, sms.preview_sms_segments), (len(text), 1))

    def test_customer_without_any_recipient_is_not_sent(self):
        nowhere = self.new_customer("Nowhere Ltd", email=False, street=False, city=False)
        invalid = self.new_customer("Bad Number Ltd", email=False, street=False, city=False, phone="12")
        self.invoice_due(nowhere, 100.0, -10)
        self.invoice_due(invalid, 100.0, -10)
        self.invoice_due(self.customer, 100.0, -10)
        run = self.preview()
        unreachable = self.communication(run, nowhere)
        self.assertEqual(
            unreachable.preview_issue,
            "Nowhere Ltd has no email address, no postal address and no phone number: nothing can be sent.",
        )
        self.assertFalse(unreachable.preview_channels)
        self.assertIn("an invalid phone number (12)", self.communication(run, invalid).preview_issue)
        with freeze_time(self.today):
            run.with_user(self.accountant).action_send()
        self.assertEqual(run.state, "done")
        self.assertEqual(self.communication(run, self.customer).state, "sent")
        for partner in nowhere | invalid:
            communication = self.communication(run, partner)
            self.assertEqual(communication.state, "cancelled")
            self.assertIn("nothing can be sent", communication.note)
            self.assertFalse(communication.channels, "nothing sent on any channel")
            activity = communication.activity_id
            self.assertEqual(activity.summary, "Reach the customer: First reminder")
            self.assertEqual((activity.res_id, activity.user_id), (partner.id, self.accountant))
            self.assertEqual(set(communication.line_ids.mapped("state")), {"cancelled"}, "items free for later")
            self.assertIn("nothing can be sent", partner.message_ids[:1].body)
        self.assertIn("invalid number", str(self.communication(run, invalid).activity_id.note))
        self.assertFalse(self.queued_mails(run.communication_ids.filtered(lambda comm: comm.state == "cancelled")))
        # the next run does not pile up to-dos while the first one is open
        later = self.run_dunning(1)
        again = self.communication(later, nowhere)
        self.assertEqual(again.state, "cancelled")
        self.assertEqual(again.activity_id, self.communication(run, nowhere).activity_id)
        self.assertEqual(len(nowhere.activity_ids), 1)

    def test_exclude_and_include_again(self):
        other = self.new_customer("Other Ltd")
        self.invoice_due(self.customer, 500.0, -10)
        self.invoice_due(other, 200.0, -10)
        run = self.preview()
        communication = self.communication(run, self.customer).with_user(self.accountant)
        with freeze_time("2026-03-02 10:00:00"):
            communication.action_exclude()
        self.assertEqual(
            (communication.excluded, communication.excluded_by_id, str(communication.excluded_date)),
            (True, self.accountant, "2026-03-02 10:00:00"),
        )
        self.assertFalse(communication.preview_channels, "nothing planned for an excluded customer")
        communication.action_include()
        self.assertEqual((communication.excluded, communication.excluded_by_id.id), (False, False))
        self.assertEqual(communication.preview_channels, "Email")
        communication.action_exclude()
        with freeze_time(self.today):
            run.with_user(self.accountant).action_send()
        self.assertEqual(communication.state, "cancelled")
        self.assertIn("Excluded by Anna Accounts", communication.note)
        self.assertFalse(self.queued_mails(communication))
        self.assertEqual(len(self.queued_mails(self.communication(run, other))), 1)
        with self.assertRaisesText(UserError, "not sent yet"):
            communication.action_include()
        # left out of that run only: the next run takes the customer up again
        later = self.preview(1)
        self.assertEqual(self.communication(later, self.customer).amount_due, 500.0)

    def test_remind_me_on_skips_the_customer_until_the_date(self):
        other = self.new_customer("Other Ltd")
        self.invoice_due(self.customer, 500.0, -10)
        self.invoice_due(other, 200.0, -10)
        run = self.preview()
        communication = self.communication(run, self.customer).with_user(self.accountant)
        action = communication.action_remind_me()
        with freeze_time(self.today):
            wizard = (
                self.env["credit.dunning.postpone"]
                .with_user(self.accountant)
                .with_context(**action["context"])
                .create({"date": self.today + timedelta(days=5), "note": "Checking the invoices"})
            )
            wizard.action_postpone()
        self.assertEqual(communication.remind_date, self.today + timedelta(days=5))
        activity = communication.remind_activity_id
        self.assertEqual(
            (activity.res_model, activity.res_id, activity.user_id, activity.date_deadline),
            ("res.partner", self.customer.id, self.accountant, self.today + timedelta(days=5)),
        )
        self.assertEqual(activity.summary, "Dunning postponed: Acme Retail")
        self.assertIn("Checking the invoices", str(activity.note))
        with freeze_time(self.today):
            run.with_user(self.accountant).action_send()
        self.assertEqual(communication.state, "cancelled")
        self.assertIn("Postponed until", communication.note)
        self.assertFalse(self.queued_mails(communication))
        self.assertEqual(self.communication(run, other).state, "sent")
        for offset in (1, 4):
            skipped = self.preview(offset)
            self.assertFalse(self.communication(skipped, self.customer), "postponed until day 5")
            if skipped.state == "previewed":
                skipped.action_cancel()
        back = self.preview(5)
        self.assertEqual(self.communication(back, self.customer).amount_due, 500.0, "the date has come")

    def test_postpone_needs_a_future_date_and_include_drops_the_reminder(self):
        self.invoice_due(self.customer, 500.0, -10)
        communication = self.communication(self.preview(), self.customer).with_user(self.accountant)
        with freeze_time(self.today), self.assertRaisesText(UserError, "after today"):
            communication._postpone(self.today)
        self.assertFalse(communication.remind_date)
        with freeze_time(self.today):
            communication._postpone(self.today + timedelta(days=3))
        activity = communication.remind_activity_id
        self.assertTrue(activity)
        communication.action_include()
        self.assertFalse(activity.exists())
        self.assertEqual((communication.excluded, communication.remind_date), (False, False))

    def test_sent_mail_is_written_for_the_customer(self):
        invoice = self.invoice_due(self.customer, 1250.0, -10)
        run = self.run_dunning()
        communication = self.communication(run, self.customer)
        mail = self.queued_mails(communication)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.wang)
        self.assertEqual(mail.subject, "%s: First reminder" % self.company.name)
        body = str(mail.body_html)
        self.assertIn("Dear Mr. Wang,", body)
        self.assertIn(invoice.name, body)
        self.assertIn("$\xa01,250.00", body)
        self.assertIn("Best regards", body)
        self.assertNotIn("Unfollow", body)
        self.assertNotIn("/mail/unfollow", body)
        self.assertNotIn("Dunning Communication", body)
        self.assertNotIn("/mail/view", body)
        self.assertNotIn(self.wang, communication.message_partner_ids, "the customer follows nothing")
        self.assertNotIn(self.customer, communication.message_partner_ids)
        # what the preview showed is what was queued
        self.assertEqual(communication.preview_body, mail.body_html)

    def test_zh_cn_template_for_a_chinese_customer(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        template = self.env.ref("credit_control.mail_template_credit_dunning")
        body_en = template.with_context(lang="en_US").body_html
        body_zh = str(body_en)
        for english, chinese in ZH_TERMS:
            self.assertIn(english, body_zh)
            body_zh = body_zh.replace(english, chinese)
        template.update_field_translations("body_html", {"zh_CN": body_zh})
        template.update_field_translations(
            "subject", {"zh_CN": "{{ object.company_id.name }}：{{ object.level_id.name }}"}
        )
        self.first_reminder.update_field_translations("name", {"zh_CN": "第一次催款"})
        self.mister.update_field_translations("shortcut", {"zh_CN": "先生"})
        chinese = self.new_customer("王氏贸易有限公司", email=False, lang="zh_CN")
        self.env["res.partner"].create(
            {
                "name": "王",
                "type": "invoice",
                "parent_id": chinese.id,
                "title": self.mister.id,
                "email": "wang@wangshi.example",
                "lang": "zh_CN",
            }
        )
        self.invoice_due(chinese, 8800.0, -10)
        run = self.preview()
        communication = self.communication(run, chinese)
        self.assertEqual(communication.preview_subject, "%s：第一次催款" % self.company.name)
        self.assertIn("尊敬的王先生：", str(communication.preview_body))
        self.assertIn("应付总额：<strong>$\xa08,800.00</strong>", str(communication.preview_body))
        with freeze_time(self.today):
            run.with_user(self.accountant).action_send()
        mail = self.queued_mails(communication)
        self.assertEqual(mail.subject, "%s：第一次催款" % self.company.name)
        self.assertIn("尊敬的王先生：", str(mail.body_html))
        self.assertIn("此致敬礼", str(mail.body_html))
        self.assertNotIn("Dear", str(mail.body_html))


# The translations of /tmp/i18n_dunprev.po (merged into i18n/zh_CN.po by the lead).
ZH_TERMS = [
    (
        "Dear <t t-out=\"object._greeting_name() or ''\">Mr. Wang</t>,",
        "尊敬的<t t-out=\"object._greeting_name() or ''\">王先生</t>：",
    ),
    ("Our records show overdue items.", "我们的记录显示有逾期款项。"),
    ("Invoice</th>", "发票</th>"),
    ("Due Date</th>", "到期日</th>"),
    ("Days Overdue</th>", "逾期天数</th>"),
    ("Amount Due</th>", "应付金额</th>"),
    ("Total due: ", "应付总额："),
    ("Your statement of account is attached.", "随附您的账户对账单。"),
    ("If you have already paid, please ignore this message.", "如果您已付款，请忽略此消息。"),
    ("Best regards,", "此致敬礼，"),
]
