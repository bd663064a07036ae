from datetime import date, timedelta
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from ..common import CreditControlCommon
from .test_legal_risk_clients import (
    LEGACY_NUMBER,
    PERSON_NAMES,
    PILOT_CODE,
    QCC_RISKY,
    QICHACHA_PATHS,
    TYC_RISKY,
    qichacha_route,
    risk_routes,
)
from .test_registry_clients import API_KEY, JSON_HEADERS, CappedTimeoutAdapter, RecordedRegistryServer, recorded

TIMEOUT = 0.5
# what a legal-risk record may hold: facts about the company, never about a person
EVENT_FIELDS = {
    "partner_id",
    "provider_id",
    "kind",
    "event_date",
    "amount",
    "currency_id",
    "case_number",
    "authority",
    "description",
    "reference",
    "status",
    "cleared_on",
    "snapshot_id",
    "last_seen_on",
}
QCC_EVENTS = {
    "dishonest": 1,
    "enforcement": 2,
    "consumption_restriction": 1,
    "judgement": 1,
    "administrative_penalty": 1,
    "abnormal_operation": 2,
    "equity_freeze": 1,
}


@tagged("post_install", "-at_install", "credit_control")
class TestLegalRisk(CreditControlCommon):
    """Legal-risk records from Qichacha and Tianyancha (local server, recorded answers): every
    kind stored without personal data, cleared, alerted, logged, holding orders and scored; the
    monthly call budget and the minimum age before a new check; the unified social credit code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RecordedRegistryServer(risk_routes())
        cls.addClassCleanup(cls.server.start())
        cls.providers = {provider.code: provider for provider in cls.env["credit.registry.provider"].sudo().search([])}
        cls.fetcher = cls.env["credit.registry.fetcher"]
        cls.events = cls.env["credit.risk.event"].sudo()
        cls.cron = cls.env.ref("credit_control.ir_cron_credit_registry_refresh")

    def setUp(self):
        super().setUp()

        def capped_session():
            session = requests.Session()
            session.mount("http://", CappedTimeoutAdapter(TIMEOUT))
            return session

        patcher = patch.object(type(self.fetcher), "_registry_session", lambda model: capped_session())
        patcher.start()
        self.addCleanup(patcher.stop)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def enable(self, code, **values):
        for provider in self.providers.values():
            if provider.code != code:
                provider.enabled = False
        provider = self.providers[code]
        provider.write(
            {
                "api_key": API_KEY,
                "enabled": True,
                "legal_risk_enabled": True,
                "base_url": self.server.url,
                "timeout": TIMEOUT,
                "rate_limit": 1000,
                **values,
            }
        )
        return provider

    def chinese_company(self, name, code):
        partner = self.env["res.partner"].create(
            {"name": name, "is_company": True, "country_id": self.env.ref("base.cn").id, "credit_registry_uscc": code}
        )
        self.create_order(partner, 100.0)  # the company sells to it: alerts are raised there
        return partner

    def fetch(self, partner):
        return partner.with_user(self.credit_manager).action_credit_registry_fetch()

    def calls(self):
        return len(self.server.received)

    def set_route(self, key, reply):
        previous = self.server.routes.get(key)
        self.server.routes[key] = reply
        self.addCleanup(self.server.routes.__setitem__, key, previous)

    def risk_alerts(self, partner):
        return (
            self.env["credit.alert"].sudo().search([("partner_id", "=", partner.id), ("alert_type", "=", "legal_risk")])
        )

    def of(self, partner, kind=None):
        domain = [("partner_id", "=", partner.id)] + ([("kind", "=", kind)] if kind else [])
        return self.events.search(domain)

    # ------------------------------------------------------------------
    # Every kind, company facts only
    # ------------------------------------------------------------------

    def test_qichacha_records_every_kind_alerts_and_logs_them(self):
        provider = self.enable("cn_qichacha")
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        calls = self.calls()
        action = self.fetch(partner)
        self.assertEqual(self.calls() - calls, 8, "the details, then one call per kind")
        snapshot = partner.credit_registry_snapshot_id
        self.assertEqual((snapshot.call_count, snapshot.risk_checked, snapshot.risk_error), (8, True, False))
        self.assertEqual(partner.credit_registry_status, "active")
        events = self.of(partner)
        self.assertEqual({kind: len(self.of(partner, kind)) for kind in QCC_EVENTS}, QCC_EVENTS)
        self.assertEqual(events.snapshot_id, snapshot)
        self.assertEqual(events.provider_id, provider)
        dishonest = self.of(partner, "dishonest")
        self.assertEqual(
            (dishonest.case_number, dishonest.authority, dishonest.event_date, dishonest.status),
            ("(2025)京0105执4521号", "北京市朝阳区人民法院", date(2025, 8, 12), "active"),
        )
        self.assertEqual(dishonest.currency_id, self.env.ref("base.CNY"))
        self.assertEqual(sorted(self.of(partner, "enforcement").mapped("amount")), [386_500.0, 1_285_000.0])
        abnormal = self.of(partner, "abnormal_operation").sorted("event_date")
        self.assertEqual(abnormal.mapped("status"), ["cleared", "active"])
        self.assertEqual(abnormal[0].cleared_on, date(2022, 11, 16))
        self.assertEqual(partner.credit_risk_event_count, 8, "the active ones")
        self.assertIn("China: Qichacha: 8 active legal-risk records", action["params"]["message"])

        # no personal data anywhere: not a field, not in the stored answers
        self.assertEqual(set(self.events._fields) - set(self.env["mail.thread"]._fields) - models_magic(), EVENT_FIELDS)
        stored = snapshot.sudo().risk_payload + snapshot.sudo().payload
        for name in PERSON_NAMES:
            self.assertNotIn(name, stored)
        self.assertNotIn("OwnerName", stored)
        self.assertNotIn(API_KEY, stored)

        # one alert per new active record, in the company that sells to it
        alerts = self.risk_alerts(partner)
        self.assertEqual(len(alerts), 8)
        self.assertEqual(alerts.company_id, self.company)
        dishonest_alert = alerts.filtered(lambda alert: "Dishonest" in alert.message)
        self.assertEqual(
            dishonest_alert.message,
            "China: Qichacha lists Hengxin Building Materials: Dishonest judgement debtor: (2025)京0105执4521号, "
            "北京市朝阳区人民法院, 08/12/2025, 有履行能力而拒不履行生效法律文书确定义务 (China: Qichacha).",
        )
        self.assertIn(self.credit_manager.partner_id, dishonest_alert.message_partner_ids)
        note = partner.message_ids.filtered(lambda message: "New legal-risk records" in (message.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.body.count("<li>"), 8)

        # asked again, nothing new: no second alert, no second note
        self.fetch(partner)
        self.assertEqual(len(self.of(partner)), 9)
        self.assertEqual(len(self.risk_alerts(partner)), 8)
        self.assertEqual(len(partner.message_ids.filtered(lambda m: "legal-risk" in (m.body or ""))), 1)

    def test_tianyancha_records_every_kind(self):
        self.enable("cn_tianyancha")
        partner = self.chinese_company("Dong'an Logistics", TYC_RISKY)
        self.fetch(partner)
        events = self.of(partner)
        self.assertEqual(len(events), 7)
        self.assertEqual(set(events.mapped("kind")), set(QCC_EVENTS))
        self.assertEqual(self.of(partner, "abnormal_operation").status, "cleared", "removed in 2024")
        self.assertEqual(self.of(partner, "enforcement").amount, 742_300.0)
        self.assertEqual(self.of(partner, "equity_freeze").amount, 6_000_000.0)
        self.assertEqual(self.of(partner, "dishonest").event_date, date(2025, 8, 26))
        self.assertEqual(len(self.risk_alerts(partner)), 6)
        stored = partner.credit_registry_snapshot_id.sudo().risk_payload
        for name in PERSON_NAMES:
            self.assertNotIn(name, stored)

    def test_records_are_not_fetched_unless_enabled_nor_for_an_unknown_company(self):
        provider = self.enable("cn_qichacha", legal_risk_enabled=False)
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        calls = self.calls()
        self.fetch(partner)
        self.assertEqual(self.calls() - calls, 1, "the details only")
        self.assertFalse(self.of(partner))
        self.assertFalse(partner.credit_registry_snapshot_id.risk_checked)
        provider.legal_risk_enabled = True
        unknown = self.chinese_company("Unknown", "91110000000000000X")
        calls = self.calls()
        self.fetch(unknown)
        self.assertEqual(self.calls() - calls, 1, "not found: no record worth paying for")
        self.assertEqual(provider.calls_this_month, 2, "only the calls made are counted")

    # ------------------------------------------------------------------
    # Clearing
    # ------------------------------------------------------------------

    def test_records_clear_when_no_longer_listed_or_lifted(self):
        self.enable("cn_qichacha")
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        self.fetch(partner)
        self.set_route(qichacha_route("ShixinCheck/GetList", QCC_RISKY), recorded("qichacha_risk_none"))
        self.set_route(
            qichacha_route("EquityFreezeCheck/GetList", QCC_RISKY), recorded("qichacha_risk_equity_unfrozen")
        )
        # 27 enforcement cases, one page listed: the other one may be on the next page
        self.set_route(qichacha_route("ZhixingCheck/GetList", QCC_RISKY), recorded("qichacha_risk_zhixing_many"))
        later = fields.Datetime.now() + timedelta(days=3)
        with freeze_time(later):
            self.fetch(partner)
        dishonest = self.of(partner, "dishonest")
        self.assertEqual((dishonest.status, dishonest.cleared_on), ("cleared", later.date()), "gone from the list")
        freeze = self.of(partner, "equity_freeze")
        self.assertEqual((freeze.status, freeze.cleared_on), ("cleared", date(2026, 11, 20)), "the unfreezing date")
        self.assertEqual(self.of(partner, "enforcement").mapped("status"), ["active", "active"], "incomplete list")
        self.assertEqual(len(self.risk_alerts(partner)), 8, "clearing raises no alert")
        note = partner.message_ids.filtered(lambda message: "Legal-risk records cleared" in (message.body or ""))
        self.assertEqual(note.body.count("<li>"), 2)
        self.assertIn("cleared on", note.body)

        # listed again: active again, with a new alert
        self.set_route(qichacha_route("ShixinCheck/GetList", QCC_RISKY), recorded("qichacha_risk_shixin"))
        with freeze_time(later + timedelta(days=1)):
            self.fetch(partner)
        self.assertEqual((dishonest.status, dishonest.cleared_on), ("active", False))
        self.assertEqual(len(self.risk_alerts(partner)), 9)

    def test_a_failed_list_clears_nothing(self):
        self.enable("cn_qichacha")
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        self.fetch(partner)
        self.set_route(
            qichacha_route("ShixinCheck/GetList", QCC_RISKY),
            (500, {"Content-Type": "text/html"}, b"<html>Internal Server Error</html>"),
        )
        self.set_route(qichacha_route("SumptuaryCheck/GetList", QCC_RISKY), (200, JSON_HEADERS, b"<html>busy</html>"))
        action = self.fetch(partner)
        snapshot = partner.credit_registry_snapshot_id
        self.assertEqual(snapshot.risk_error, "dishonest: HTTP 500; consumption_restriction: malformed JSON")
        self.assertEqual(self.of(partner, "dishonest").status, "active")
        self.assertEqual(self.of(partner, "consumption_restriction").status, "active")
        self.assertIn("some legal-risk lists gave no answer", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "success", "the company's details came")

    # ------------------------------------------------------------------
    # Credit decisions
    # ------------------------------------------------------------------

    def test_active_dishonest_listing_holds_orders(self):
        self.enable("cn_qichacha")
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        self.fetch(partner)
        order = self.create_order(partner, 50.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "draft")
        reason = order.sudo().credit_hold_ids.reason_ids
        self.assertEqual(reason.rule, "legal_risk")
        self.assertEqual(
            reason.message,
            "Hengxin Building Materials has active legal-risk records that hold orders: "
            "Consumption restriction, Dishonest judgement debtor",
        )
        self.assertEqual(partner.with_user(self.credit_manager).credit_available, 0.0, "nothing on credit")

        # enforcement cases alone do not hold by default
        self.env["credit.risk.kind"].search([("code", "in", ("dishonest", "consumption_restriction"))]).hold = False
        other = self.create_order(partner, 50.0)
        self.confirm_as(self.salesman, other)
        self.assertEqual(other.state, "sale")
        # a kind made to hold does
        self.env.ref("credit_control.risk_kind_enforcement").hold = True
        third = self.create_order(partner, 50.0)
        self.confirm_as(self.salesman, third)
        self.assertEqual(third.state, "draft")
        self.assertIn("Enforcement case", third.sudo().credit_hold_ids.reason_ids.message)
        # the company may choose not to hold on legal risk
        self.company.sudo().credit_legal_risk_hold = False
        fourth = self.create_order(partner, 50.0)
        self.confirm_as(self.salesman, fourth)
        self.assertEqual(fourth.state, "sale")

    def test_cleared_records_do_not_hold(self):
        self.enable("cn_qichacha")
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        self.fetch(partner)
        for path in ("ShixinCheck/GetList", "SumptuaryCheck/GetList"):
            self.set_route(qichacha_route(path, QCC_RISKY), recorded("qichacha_risk_none"))
        self.fetch(partner)
        order = self.create_order(partner, 50.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")

    def test_legal_risk_score_factor(self):
        self.enable("cn_qichacha")
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        figures = self.env["credit.score.figures"]
        raw = figures._get_raw_values(partner, self.company, self.today)[0][partner.id]
        self.assertIsNone(raw["legal_risk"], "never asked: unknown, neutral points")
        # 100 owed on a confirmed order
        order = self.create_order(partner, 100.0)
        self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")
        self.fetch(partner)
        raw = figures._get_raw_values(partner, self.company, self.today)[0][partner.id]
        self.assertEqual(raw["legal_risk"], 100.0, "a dishonest debtor with enforcement cases: the worst")
        # weight 1 per kind: each active record 1, twice with an amount above the 100 owed
        self.env["credit.risk.kind"].search([]).weight = 1.0
        raw = figures._get_raw_values(partner, self.company, self.today)[0][partner.id]
        # dishonest 1, enforcement 2 + 2, restriction 1, judgement 2, penalty 2, abnormal 1, freeze 2
        self.assertEqual(raw["legal_risk"], 13.0)
        clean = self.chinese_company("Clean", PILOT_CODE)
        self.set_route(f"/ECIV4/GetBasicDetailsByName?key={API_KEY}&keyword={PILOT_CODE}", recorded("qichacha_active"))
        for path, _name, extra in QICHACHA_PATHS.values():
            self.set_route(qichacha_route(path, PILOT_CODE, **extra), recorded("qichacha_risk_none"))
        self.fetch(clean)
        raw = figures._get_raw_values(clean, self.company, self.today)[0][clean.id]
        self.assertEqual(raw["legal_risk"], 0.0, "asked, nothing recorded: the best")
        selection = dict(self.env["credit.scorecard.factor"]._fields["factor_type"]._description_selection(self.env))
        self.assertIn("legal_risk", selection)

    # ------------------------------------------------------------------
    # Paid calls: monthly budget, minimum age
    # ------------------------------------------------------------------

    def test_monthly_budget_counts_every_call_and_the_cron_stays_within(self):
        provider = self.enable("cn_qichacha", monthly_call_budget=10)
        first = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        second = self.chinese_company("Second", PILOT_CODE)
        start = fields.Datetime.now().replace(day=10, hour=9, microsecond=0)
        with freeze_time(start):
            self.fetch(first)
            self.assertEqual((provider.calls_this_month, provider.calls_left_this_month), (8, 2))
            calls = self.calls()
            action = self.fetch(second)
            self.assertEqual(self.calls(), calls, "a check needs 8 calls, 2 are left")
            self.assertIn(
                "China: Qichacha: not checked, monthly budget of 10 calls used up", action["params"]["message"]
            )
            self.assertFalse(provider.pending_partner_ids, "not queued for a budget that is spent")
            # the refresh skips it and says so, without triggering itself again
            self.fetcher._queue_partners(second)
            before = self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", self.cron.id)])
            self.assertEqual(self.fetcher._cron_refresh(), 0)
            self.assertEqual(self.calls(), calls)
            self.assertEqual(
                provider.refresh_note,
                "%s: monthly budget of 10 calls used up; 1 customers wait for next month."
                % start.date().strftime("%m/%d/%Y"),
            )
            after = self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", self.cron.id)])
            self.assertFalse(after - before)
            self.assertEqual(provider.pending_partner_ids, second)
        self.set_route(f"/ECIV4/GetBasicDetailsByName?key={API_KEY}&keyword={PILOT_CODE}", recorded("qichacha_active"))
        with freeze_time(start + timedelta(days=31)):  # next month
            provider.invalidate_recordset(["calls_this_month"])
            self.assertEqual(provider.calls_this_month, 0)
            self.assertEqual(self.fetcher._cron_refresh(), 1)
            self.assertEqual(provider.calls_this_month, 8)
            self.assertIn("1 customers checked, 8 calls", provider.refresh_note)

    def test_budget_reservation_grants_whole_checks_only(self):
        provider = self.enable("cn_qichacha", monthly_call_budget=20, legal_risk_enabled=False)
        self.assertEqual(provider._reserve_checks(15), 15)
        self.assertEqual(provider._reserve_checks(15), 5, "what is left")
        self.assertEqual(provider._reserve_checks(1), 0)
        provider._release_calls(3)
        self.assertEqual(provider.calls_this_month, 17)
        provider.legal_risk_enabled = True
        self.assertEqual(provider._reserve_checks(1), 0, "3 calls left, a check makes 8")
        provider.monthly_call_budget = 0
        self.assertEqual(provider._reserve_checks(4), 4, "no budget: counted, never refused")
        self.assertEqual(provider.calls_this_month, 49)
        self.assertEqual(provider.calls_left_this_month, -1)

    def test_minimum_age_before_a_new_check(self):
        provider = self.enable("cn_qichacha", min_age_days=7, stale_after_days=1)
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        start = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(start):
            self.fetch(partner)
        calls = self.calls()
        with freeze_time(start + timedelta(days=2)):
            action = self.fetch(partner)
            self.assertEqual(self.calls(), calls, "answered two days ago: not asked again")
            self.assertIn("less than 7 days ago: not asked again", action["params"]["message"])
            # queued from the customer list: the refresh drops it and says so
            self.fetcher._queue_partners(partner)
            self.assertEqual(self.fetcher._cron_refresh(), 0)
            self.assertEqual(self.calls(), calls)
            self.assertFalse(provider.pending_partner_ids)
            self.assertIn("1 queued customers skipped: answered less than 7 days ago.", provider.refresh_note)
        with freeze_time(start + timedelta(days=8)):
            self.assertEqual(self.fetcher._cron_refresh(), 1, "stale after a day, old enough after seven")
            self.assertEqual(self.calls() - calls, 8)

    # ------------------------------------------------------------------
    # Unified social credit code
    # ------------------------------------------------------------------

    def test_unified_social_credit_code_validation(self):
        partner = self.env["res.partner"].create(
            {"name": "Hengxin", "is_company": True, "credit_registry_uscc": QCC_RISKY}
        )
        self.assertFalse(partner.credit_registry_uscc_warning)
        partner.credit_registry_uscc = PILOT_CODE
        self.assertIn("The check character of %s does not match" % PILOT_CODE, partner.credit_registry_uscc_warning)
        warning = self.env["res.partner"].new({"credit_registry_uscc": PILOT_CODE})._onchange_credit_registry_uscc()
        self.assertIn("2015 pilot regions", warning["warning"]["message"])
        partner.credit_registry_uscc = LEGACY_NUMBER
        self.assertFalse(partner.credit_registry_uscc_warning, "a valid registration number")
        partner.credit_registry_uscc = "110108019876543"
        self.assertIn("check digit of the registration number", partner.credit_registry_uscc_warning)
        with self.assertRaisesText(ValidationError, "9111OI05MA01BX8T4W is not a unified social credit code"):
            partner.credit_registry_uscc = "9111OI05MA01BX8T4W"
        partner.invalidate_recordset()
        self.assertEqual(partner.credit_registry_uscc, "110108019876543", "nothing written")
        self.assertEqual(set(partner._credit_registry_identifiers()), set(), "no country: no Chinese provider")
        partner.country_id = self.env.ref("base.cn")
        self.assertEqual(
            partner._credit_registry_identifiers(),
            {"cn_qichacha": "110108019876543", "cn_tianyancha": "110108019876543"},
        )

    # ------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------

    def test_views_open_for_each_kind_of_user(self):
        admin = new_test_user(
            self.env,
            login="legal_risk_admin",
            groups="base.group_user,base.group_system,credit_control.group_credit_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        for user in (self.credit_manager, admin, self.salesman):
            with self.subTest(user=user.login):
                arch = self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
                self.assertEqual("action_view_credit_risk_events" in arch, user != self.salesman)
        for user in (self.credit_manager, admin):
            views = self.events.with_user(user).get_views([(False, "list"), (False, "form"), (False, "search")])
            self.assertIn("case_number", views["views"]["list"]["arch"])
        arch = self.providers["cn_qichacha"].with_user(admin).get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("monthly_call_budget", "calls_this_month", "min_age_days", "legal_risk_enabled", "refresh_note"):
            self.assertIn(f'name="{name}"', arch)
        self.enable("cn_qichacha")
        partner = self.chinese_company("Hengxin Building Materials", QCC_RISKY)
        self.fetch(partner)
        action = partner.with_user(self.credit_manager).action_view_credit_risk_events()
        self.assertEqual(
            self.events.with_user(self.credit_manager).search(action["domain"] + [("status", "=", "active")]),
            self.of(partner).filtered(lambda event: event.status == "active"),
        )
        settings = self.env["res.config.settings"].with_user(admin).create({})
        self.assertTrue(settings.credit_legal_risk_hold)


def models_magic():
    """The fields every model has (id, create and write dates and users, display name)."""
    return {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}
