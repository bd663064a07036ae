import logging
from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import format_date

from ...lib.registry import CLIENTS
from ...lib.registry.base import register
from ...lib.registry.companies_house import CompaniesHouseClient
from ..common import CreditControlCommon
from .test_registry_clients import (
    API_KEY,
    LEI_ACTIVE_LAPSED,
    LEI_DISSOLVED,
    LEI_UNKNOWN,
    SECRET,
    TIANYANCHA_ACTIVE,
    USCC_ACTIVE,
    USCC_UNKNOWN,
    CappedTimeoutAdapter,
    RecordedRegistryServer,
    recorded,
)

USCC_LIQUIDATION = "91320505MA1P8Q2N4R"
USCC_CANCELLED = "91330106696543210M"
TIMEOUT = 0.5

# routes the client tests do not need: the bad news of each provider
EXTRA_ROUTES = {
    "/vies-invalid/check-vat-number": recorded("vies_invalid"),
    f"/lei-records/{LEI_DISSOLVED}": recorded("gleif_dissolved"),
    "/company/07123456": recorded("companies_house_dissolved"),
    "/search?q=438912577": recorded("fr_ceased"),
    "/enheter/998877665": recorded("brreg_konkurs"),
    f"/ECIV4/GetBasicDetailsByName?key={API_KEY}&keyword={USCC_LIQUIDATION}": recorded("qichacha_liquidation"),
    f"/ic/baseinfo/normal?keyword={USCC_CANCELLED}": recorded("tianyancha_cancelled"),
}

# provider -> country and, per case, (base URL prefix, partner values, expected status)
CASES = {
    "companies_house": (
        "base.uk",
        {
            "active": ("", {"company_registry": "04567321"}, "active"),
            "bad": ("", {"company_registry": "SC298765"}, "insolvency_liquidation"),
            "missing": ("", {"company_registry": "99999999"}, "unknown"),
        },
    ),
    "fr_recherche": (
        "base.fr",
        {
            "active": ("", {"company_registry": "812345674"}, "active"),
            "bad": ("", {"company_registry": "438912577"}, "dissolved"),
            "missing": ("", {"company_registry": "999999999"}, "unknown"),
        },
    ),
    "no_brreg": (
        "base.no",
        {
            "active": ("", {"company_registry": "923456781"}, "active"),
            "bad": ("", {"company_registry": "998877665"}, "insolvency_liquidation"),
            "missing": ("", {"company_registry": "999999999"}, "unknown"),
        },
    ),
    "cn_qichacha": (
        "base.cn",
        {
            "active": ("", {"credit_registry_uscc": USCC_ACTIVE}, "active"),
            "bad": ("", {"credit_registry_uscc": USCC_LIQUIDATION}, "insolvency_liquidation"),
            "missing": ("", {"credit_registry_uscc": USCC_UNKNOWN}, "unknown"),
        },
    ),
    "cn_tianyancha": (
        "base.cn",
        {
            "active": ("", {"vat": TIANYANCHA_ACTIVE}, "active"),
            "bad": ("", {"credit_registry_uscc": USCC_CANCELLED}, "dissolved"),
            "missing": ("", {"credit_registry_uscc": USCC_UNKNOWN}, "unknown"),
        },
    ),
    "gleif": (
        "base.us",
        {
            "active": ("", {"credit_registry_lei": LEI_ACTIVE_LAPSED}, "active"),
            "bad": ("", {"credit_registry_lei": LEI_DISSOLVED}, "dissolved"),
            "missing": ("", {"credit_registry_lei": LEI_UNKNOWN}, "unknown"),
        },
    ),
    "vies": (
        "base.be",
        {
            "active": ("/vies-valid", {"vat": "BE0123456749"}, "active"),
            # VIES knows VAT numbers, not companies: an invalid number is inactive, never dissolved
            "bad": ("/vies-invalid", {"vat": "NL004495445B01"}, "inactive"),
            "missing": ("/missing", {"vat": "BE0123456749"}, "unknown"),
        },
    ),
}
# failure -> (error, HTTP status, what the user reads)
FAILURES = {
    "/http500": ("HTTP 500", 500, "registry error (HTTP 500)"),
    "/rate-limited": ("rate limited", 429, "too many calls, the registry asked to wait"),
    "/garbage": ("malformed JSON", 200, "unreadable answer"),
    "/empty": ("empty response", 200, "empty answer"),
    "/slow": ("timeout", 0, "no answer in time"),
}


@tagged("post_install", "-at_install", "credit_control")
class TestRegistry(CreditControlCommon):
    """Registry providers as configured in Odoo, against a local server replaying recorded
    answers: snapshots, the customer's status, alerts, holds, the score factor, the refresh and
    its rate limits. No test reaches the internet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RecordedRegistryServer(EXTRA_ROUTES)
        cls.addClassCleanup(cls.server.start())
        cls.providers = {provider.code: provider for provider in cls.env["credit.registry.provider"].sudo().search([])}
        cls.cron = cls.env.ref("credit_control.ir_cron_credit_registry_refresh")
        cls.snapshots = cls.env["credit.registry.snapshot"]
        # the demo data's answers (Meridian's liquidation) would be refreshed too: these tests
        # start from a registry that nobody has asked yet
        cls.snapshots.sudo().search([]).unlink()
        cls.fetcher = cls.env["credit.registry.fetcher"]
        cls.admin_user = new_test_user(
            cls.env,
            login="registry_admin",
            groups="base.group_user,base.group_system,credit_control.group_credit_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def setUp(self):
        super().setUp()

        # Odoo's test mode raises short timeouts to 10 s: put the provider's back (slow route)
        def capped_session():
            session = requests.Session()
            session.mount("http://", CappedTimeoutAdapter(TIMEOUT))
            return session

        # a plain function: Odoo memoizes the model's methods by attribute, and a Mock has them all
        patcher = patch.object(type(self.fetcher), "_registry_session", lambda model: capped_session())
        patcher.start()
        self.addCleanup(patcher.stop)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def enable(self, code, prefix="", **values):
        """Enable one provider (the others off), pointed at the local server."""
        for provider in self.providers.values():
            if provider.code != code:
                provider.enabled = False
        provider = self.providers[code]
        provider.write(
            {
                "api_key": API_KEY if provider.requires_api_key else False,
                "enabled": True,
                "base_url": self.server.url + prefix,
                "timeout": TIMEOUT,
                "rate_limit": 1000,
                "next_call_after": False,
                **values,
            }
        )
        return provider

    def company_partner(self, name, country_xmlid, **values):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "country_id": self.env.ref(country_xmlid).id, **values}
        )

    def fetch(self, partner, user=None):
        return partner.with_user(user or self.credit_manager).action_credit_registry_fetch()

    def latest(self, partner, provider=None):
        domain = [("partner_id", "=", partner.id)]
        if provider:
            domain.append(("provider_id", "=", provider.id))
        return self.snapshots.sudo().search(domain, order="date desc, id desc", limit=1)

    def calls(self):
        return len(self.server.received)

    def registry_alerts(self, partner):
        return (
            self.env["credit.alert"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("alert_type", "=", "registry_status")])
        )

    def set_route(self, path, name, status=200):
        previous = self.server.routes.get(path)
        self.server.routes[path] = recorded(name, status)
        self.addCleanup(self.server.routes.__setitem__, path, previous)

    @contextmanager
    def no_http(self):
        """Fail the test on any HTTP request."""

        def refuse(*args, **kwargs):
            raise AssertionError("an HTTP request was made")

        with (
            patch.object(requests.Session, "request", side_effect=refuse),
            patch.object(requests.Session, "send", side_effect=refuse),
        ):
            yield

    def triggers(self):
        return self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", self.cron.id)])

    # ------------------------------------------------------------------
    # Every provider, every answer
    # ------------------------------------------------------------------

    def test_every_provider_active_bad_and_not_found(self):
        for code, (country, cases) in CASES.items():
            for case, (prefix, values, status) in cases.items():
                with self.subTest(provider=code, case=case):
                    provider = self.enable(code, prefix)
                    partner = self.company_partner(f"{code} {case}", country, **values)
                    action = self.fetch(partner)
                    snapshot = self.latest(partner)
                    self.assertEqual(snapshot.provider_id, provider)
                    self.assertEqual(snapshot.status, status)
                    self.assertTrue(snapshot.is_latest)
                    self.assertEqual(snapshot.user_id, self.credit_manager)
                    self.assertEqual(partner.credit_registry_status, status)
                    self.assertTrue(action["params"]["message"].startswith(provider.name + ": "))
                    if case == "missing":
                        self.assertEqual(snapshot.error, "not found")
                        self.assertIn("no answer (not found in the registry)", action["params"]["message"])
                        self.assertFalse(snapshot.transient, "not found stays so: refreshed like an answer")
                        self.assertFalse(partner.credit_registry_checked_on)
                        self.assertEqual(action["params"]["type"], "warning")
                    else:
                        self.assertFalse(snapshot.error)
                        if status != "inactive":  # VIES does not name the holder of an invalid number
                            self.assertTrue(snapshot.legal_name)
                        self.assertEqual(partner.credit_registry_checked_on, snapshot.date)
                        self.assertEqual(action["params"]["type"], "success")
                    if case == "active" and code != "vies":
                        self.assertTrue(snapshot.creation_date)
                        self.assertEqual(partner.credit_registry_founded_on, snapshot.creation_date)

    def test_every_provider_survives_failures_and_keeps_the_last_known_status(self):
        for code, (country, cases) in CASES.items():
            prefix, values, _status = cases["active"]
            self.enable(code, prefix)
            partner = self.company_partner(f"{code} failing", country, **values)
            self.fetch(partner)
            self.assertEqual(partner.credit_registry_status, "active")
            known = partner.credit_registry_snapshot_id
            for failure, (error, http_status, label) in FAILURES.items():
                with self.subTest(provider=code, failure=failure):
                    provider = self.enable(code, failure)
                    self.fetch(partner)
                    snapshot = self.latest(partner)
                    self.assertEqual((snapshot.status, snapshot.error), ("unknown", error))
                    self.assertEqual(snapshot.http_status, http_status)
                    self.assertEqual(snapshot.error_label, label)
                    self.assertTrue(snapshot.transient, "worth asking again soon")
                    self.assertFalse(snapshot.changed)
                    self.assertEqual(partner.credit_registry_status, "active", "a failure never changes it")
                    self.assertEqual(partner.credit_registry_snapshot_id, known)
                    self.assertFalse(self.registry_alerts(partner))
                    if failure == "/rate-limited":
                        self.assertEqual(snapshot.retry_after, 120)
                        self.assertEqual(provider.next_call_after, snapshot.date + timedelta(seconds=120))

    def test_personal_data_and_keys_are_not_stored(self):
        self.enable("cn_qichacha", api_secret=SECRET)
        partner = self.company_partner("Xinghe", "base.cn", credit_registry_uscc=USCC_ACTIVE)
        self.fetch(partner)
        snapshot = self.latest(partner)
        self.assertEqual(snapshot.legal_name, "北京星河智造科技有限公司")
        self.assertEqual((snapshot.capital_amount, snapshot.capital_currency), (10_000_000.0, "CNY"))
        self.assertNotIn("OperName", snapshot.payload)
        self.assertNotIn("王建国", snapshot.payload)
        self.assertNotIn(API_KEY, snapshot.payload)
        self.assertIn("Token", self.server.received[-1][2], "signed with the secret")

    def test_vies_consultation_number_with_the_requester_vat(self):
        self.enable("vies", "/vies-valid", requester_vat="FR40303265045")
        partner = self.company_partner("Ateliers du Hainaut", "base.be", vat="BE0123456749")
        self.fetch(partner)
        snapshot = self.latest(partner)
        self.assertEqual(snapshot.consultation_number, "WAPIAAAAZ5dKq1Hb")
        self.assertEqual(snapshot.address, "RUE DE LA STATION 12, 7000 MONS")
        self.assertIn(b'"requesterNumber": "40303265045"', self.server.received[-1][3])

    def test_companies_house_warning_signs(self):
        self.enable("companies_house")
        partner = self.company_partner("Glenburn Joinery", "base.uk", company_registry="SC298765")
        self.fetch(partner)
        snapshot = self.latest(partner)
        self.assertEqual((snapshot.registry_status, snapshot.legal_form), ("liquidation", "ltd"))
        self.assertTrue(snapshot.insolvency_history)
        self.assertTrue(snapshot.accounts_overdue)

    def test_worst_status_across_providers_and_founding_date_of_the_national_register(self):
        self.enable("companies_house")
        self.providers["gleif"].write({"enabled": True, "base_url": self.server.url, "rate_limit": 1000})
        partner = self.company_partner(
            "Harbour Lane", "base.uk", company_registry="04567321", credit_registry_lei=LEI_DISSOLVED
        )
        self.fetch(partner)
        self.assertEqual(len(partner.credit_registry_latest_ids), 2)
        self.assertEqual(partner.credit_registry_status, "dissolved")
        self.assertEqual(partner.credit_registry_snapshot_id.provider_id, self.providers["gleif"])
        companies_house = self.latest(partner, self.providers["companies_house"])
        self.assertEqual(partner.credit_registry_founded_on, companies_house.creation_date, "national register first")
        self.assertEqual(partner.credit_registry_snapshot_count, 2)
        # a credit manager deleting the GLEIF answer: the status follows what is left
        self.latest(partner, self.providers["gleif"]).with_user(self.credit_manager).unlink()
        self.assertEqual(partner.credit_registry_status, "active")
        self.assertEqual(partner.credit_registry_snapshot_id, companies_house)

    def test_fetch_button_rules(self):
        provider = self.enable("companies_house")
        partner = self.company_partner("Harbour Lane", "base.uk", company_registry="04567321")
        nowhere = self.company_partner("Nowhere Ltd", "base.uk")
        before = self.triggers()
        calls = self.calls()
        # no savepoint around these: what they wrote would stay and be seen below
        with self.assertRaisesRegex(AccessError, r"^Only credit users can check customers against registries\.$"):
            self.fetch(partner, user=self.salesman)
        with self.assertRaisesRegex(UserError, r"^No enabled registry knows Nowhere Ltd: set its country"):
            self.fetch(nowhere)
        self.assertFalse(self.snapshots.sudo().search_count([]), "nothing written")
        self.assertEqual(self.calls(), calls, "nothing asked")
        self.assertFalse(provider.pending_partner_ids, "nothing queued")
        self.assertFalse(self.triggers() - before, "nothing triggered")
        self.assertEqual(partner.credit_registry_status, "unknown")
        # from a contact, the company is checked
        contact = self.env["res.partner"].create({"name": "Jane", "parent_id": partner.id})
        self.fetch(contact)
        self.assertEqual(self.latest(partner).partner_id, partner)
        action = partner.action_view_credit_registry_snapshots()
        self.assertEqual(self.snapshots.search(action["domain"]), self.latest(partner))

    def test_partner_status_is_written_through_the_orm_in_a_few_queries(self):
        """One query computes every customer's values, grouped writes flush in one UPDATE: a batch
        of twelve costs what a batch of two does; unchanged customers are not written at all."""
        provider = self.providers["companies_house"]
        now = fields.Datetime.now().replace(microsecond=0)

        def batch(count):
            partners = self.env["res.partner"].create(
                [{"name": f"Batch {count}/{index}", "is_company": True} for index in range(count)]
            )
            snapshots = self.snapshots.sudo().create(
                [
                    {
                        "partner_id": partner.id,
                        "provider_id": provider.id,
                        "date": now - timedelta(minutes=index),
                        "status": "dissolved" if index % 2 else "active",
                        "creation_date": date(2000, 1, 1 + index),
                        "is_latest": True,
                    }
                    for index, partner in enumerate(partners)
                ]
            )
            # as in a later transaction: the creation is no status change to track
            self.env.cr.precommit.run()
            queries = self.env.cr.sql_log_count
            self.fetcher._update_partners(partners.ids)
            self.env.flush_all()
            return partners, snapshots, self.env.cr.sql_log_count - queries

        _small, _snapshots, small_queries = batch(2)
        partners, snapshots, large_queries = batch(12)
        self.assertEqual(large_queries, small_queries, "not one query per customer")
        for index, (partner, snapshot) in enumerate(zip(partners, snapshots, strict=True)):
            self.assertEqual(
                (
                    partner.credit_registry_status,
                    partner.credit_registry_snapshot_id,
                    partner.credit_registry_founded_on,
                    partner.credit_registry_checked_on,
                ),
                ("dissolved" if index % 2 else "active", snapshot, date(2000, 1, 1 + index), snapshot.date),
            )
        # asked again with nothing new: no write (no write date moves, no tracking message)
        write_dates = partners.mapped("write_date")
        with freeze_time(now + timedelta(hours=1)):
            self.fetcher._update_partners(partners.ids)
            self.env.flush_all()
        self.assertEqual(partners.mapped("write_date"), write_dates)
        # the status change is tracked in the customer's chatter
        self.env.cr.precommit.run()
        tracked = partners[1].message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "credit_registry_status"
        )
        self.assertEqual(len(tracked), 1)
        self.assertEqual((tracked.old_value_char, tracked.new_value_char), ("Unknown", "Dissolved"))

    # ------------------------------------------------------------------
    # Effects of a status change
    # ------------------------------------------------------------------

    def test_status_change_alerts_once_holds_orders_and_lowers_the_score_factor(self):
        self.enable("companies_house")
        partner = self.company_partner("Harbour Lane", "base.uk", company_registry="04567321")
        self.create_order(partner, 100.0)  # the company sells to it: alerts are raised there
        raw = self.env["credit.score.figures"]._get_raw_values(partner, self.company, self.today)[0][partner.id]
        self.assertIsNone(raw["registry_status"], "no registry data yet")
        self.fetch(partner)
        self.assertEqual(partner.credit_registry_status, "active")
        self.assertFalse(self.registry_alerts(partner), "a first answer is a baseline")
        raw = self.env["credit.score.figures"]._get_raw_values(partner, self.company, self.today)[0][partner.id]
        self.assertEqual(raw["registry_status"], 100.0)
        self.assertGreater(raw["company_age"], 20)

        # a month later the company is in liquidation: the scheduled refresh finds out
        self.set_route("/company/04567321", "companies_house_liquidation")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.fetcher._cron_refresh()
            snapshot = self.latest(partner)
            self.assertEqual((snapshot.status, snapshot.previous_status), ("insolvency_liquidation", "active"))
            self.assertTrue(snapshot.changed)
            self.assertFalse(snapshot.user_id, "the refresh, not a user")
            self.assertEqual(partner.credit_registry_status, "insolvency_liquidation")
            alert = self.registry_alerts(partner)
            self.assertEqual(len(alert), 1)
            self.assertEqual((alert.company_id, alert.event_key), (self.company, "registry:%s" % snapshot.id))
            self.assertIn(
                "UK Companies House now reports Harbour Lane as Insolvency or liquidation (“liquidation”), "
                "previously Active",
                alert.message,
            )
            self.assertIn(self.credit_manager.partner_id, alert.message_partner_ids)

            # asked again, same answer: no second alert
            self.fetch(partner)
            self.assertFalse(self.latest(partner).changed)
            self.assertEqual(len(self.registry_alerts(partner)), 1)

            raw = self.env["credit.score.figures"]._get_raw_values(partner, self.company, self.today)[0][partner.id]
            self.assertEqual(raw["registry_status"], 10.0, "the registry factor drops")

            # the next order is held, with the registry as reason, without calling it
            order = self.create_order(partner, 50.0)
            with self.no_http():
                self.confirm_as(self.salesman, order)
            self.assertEqual(order.state, "draft")
            reason = order.sudo().credit_hold_ids.reason_ids
            self.assertEqual(reason.rule, "registry")
            self.assertEqual(
                reason.message,
                "Registry reports Harbour Lane as Insolvency or liquidation (UK Companies House, %s)"
                % format_date(self.env(user=self.salesman), snapshot.date),
            )

            # the company may choose not to hold on registry news
            self.company.sudo().credit_registry_hold = False
            other = self.create_order(partner, 50.0)
            with self.no_http():
                self.confirm_as(self.salesman, other)
            self.assertEqual(other.state, "sale")

    def test_first_answer_already_dissolved_alerts(self):
        self.enable("companies_house")
        partner = self.company_partner("Northgate", "base.uk", company_registry="07123456")
        self.fetch(partner)
        self.assertEqual(partner.credit_registry_status, "dissolved")
        alert = self.registry_alerts(partner)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.company_id, self.env.company, "no sale yet: the checking user's company")

    def test_unknown_never_holds_and_confirmation_makes_no_http_call(self):
        self.enable("companies_house", "/http500")
        partner = self.company_partner("Harbour Lane", "base.uk", company_registry="04567321")
        self.fetch(partner)
        self.assertEqual(partner.credit_registry_status, "unknown")
        order = self.create_order(partner, 100.0)
        with self.no_http():
            self.confirm_as(self.salesman, order)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_ids)

    # ------------------------------------------------------------------
    # First order of a new customer
    # ------------------------------------------------------------------

    def test_first_order_queues_the_check_and_triggers_the_refresh_without_http(self):
        provider = self.enable("companies_house")
        partner = self.company_partner("Harbour Lane", "base.uk", company_registry="04567321")
        contact = self.env["res.partner"].create({"name": "Bob", "parent_id": partner.id})
        before = self.triggers()
        with self.no_http():
            self.create_order(contact, 100.0)
        self.assertEqual(len(self.triggers() - before), 1, "the refresh is triggered")
        self.assertEqual(provider.pending_partner_ids, partner)
        self.assertEqual(provider.pending_count, 1)
        self.assertFalse(self.latest(partner), "nothing was asked yet")
        # the second order does not queue again
        before = self.triggers()
        with self.no_http():
            self.create_order(partner, 100.0)
        self.assertFalse(self.triggers() - before)
        # the background refresh checks it
        self.assertEqual(self.fetcher._cron_refresh(), 1)
        self.assertEqual(partner.credit_registry_status, "active")
        self.assertFalse(provider.pending_partner_ids)
        # a customer the registries do not know, or an old customer, queues nothing
        unknown = self.company_partner("Nowhere", "base.uk")
        before = self.triggers()
        self.create_order(unknown, 10.0)
        self.assertFalse(self.triggers() - before)
        self.assertFalse(provider.pending_partner_ids)

    def test_no_enabled_provider_no_queue(self):
        for provider in self.providers.values():
            provider.enabled = False
        partner = self.company_partner("Harbour Lane", "base.uk", company_registry="04567321")
        before = self.triggers()
        self.create_order(partner, 100.0)
        self.assertFalse(self.triggers() - before)

    def test_check_registries_from_the_customer_list(self):
        provider = self.enable("companies_house")
        partners = self.company_partner("A", "base.uk", company_registry="04567321") | self.company_partner(
            "B", "base.uk", company_registry="SC298765"
        )
        action = partners.with_user(self.credit_manager).action_credit_registry_request()
        self.assertIn("2 registry checks queued", action["params"]["message"])
        self.assertEqual(provider.pending_partner_ids, partners)
        provider._unqueue([(partner.id, provider.id) for partner in partners])
        before = self.triggers()
        with self.assertRaisesRegex(AccessError, r"^Only credit users can check customers against registries\.$"):
            partners.with_user(self.salesman).action_credit_registry_request()
        self.assertFalse(provider.pending_partner_ids, "nothing queued")
        self.assertFalse(self.triggers() - before, "nothing triggered")

    # ------------------------------------------------------------------
    # Scheduled refresh: staleness, retries, rate limits, back-off
    # ------------------------------------------------------------------

    def test_refresh_asks_again_when_stale_and_retries_failures_sooner(self):
        provider = self.enable("companies_house")
        fine = self.company_partner("Harbour Lane", "base.uk", company_registry="04567321")
        missing = self.company_partner("Missing", "base.uk", company_registry="99999999")
        self.fetch(fine)
        self.fetch(missing)
        failing = self.company_partner("Failing", "base.uk", company_registry="SC298765")
        provider.base_url = self.server.url + "/http500"
        self.fetch(failing)
        provider.base_url = self.server.url
        start = fields.Datetime.now()
        calls = self.calls()
        with freeze_time(start + timedelta(minutes=30)):
            self.assertEqual(self.fetcher._cron_refresh(), 0, "nothing due yet")
        with freeze_time(start + timedelta(minutes=61)):
            self.assertEqual(self.fetcher._cron_refresh(), 1, "the failed call is made again")
            self.assertEqual(self.latest(failing).status, "insolvency_liquidation")
        with freeze_time(start + timedelta(days=29)):
            self.assertEqual(self.fetcher._cron_refresh(), 0)
        with freeze_time(start + timedelta(days=31)):
            self.assertEqual(self.fetcher._cron_refresh(), 3, "answers, 'not found' included, are refreshed")
        self.assertEqual(self.calls() - calls, 4)
        self.assertEqual(len(fine.credit_registry_snapshot_ids), 2)
        self.assertEqual(len(fine.credit_registry_latest_ids), 1)

    def test_refresh_forgets_a_provider_that_no_longer_applies(self):
        self.enable("companies_house")
        partner = self.company_partner("Glenburn", "base.uk", company_registry="SC298765")
        self.fetch(partner)
        self.assertEqual(partner.credit_registry_status, "insolvency_liquidation")
        partner.company_registry = False
        calls = self.calls()
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.assertEqual(self.fetcher._cron_refresh(), 0)
            self.assertEqual(self.calls(), calls)
            self.assertEqual(partner.credit_registry_status, "unknown")
            self.assertFalse(partner.credit_registry_latest_ids)
            self.assertEqual(self.fetcher._cron_refresh(), 0, "and does not look at it again")

    def test_refresh_respects_the_rate_limit_and_reports_progress(self):
        provider = self.enable("companies_house", rate_limit=2)
        numbers = ["04567321", "SC298765", "07123456", "99999999", "00000001"]
        partners = self.env["res.partner"]
        for index, number in enumerate(numbers):
            partners |= self.company_partner(f"Customer {index}", "base.uk", company_registry=number)
        self.fetcher._queue_partners(partners)
        start = fields.Datetime.now().replace(microsecond=0)
        progress = self.env["ir.cron.progress"].sudo().create({"cron_id": self.cron.id})
        fetcher = self.fetcher.with_context(ir_cron_progress_id=progress.id)
        with freeze_time(start):
            before = self.triggers()
            calls = self.calls()
            self.assertEqual(fetcher._cron_refresh(), 2)
            self.assertEqual(self.calls() - calls, 2, "two calls a minute")
            self.assertEqual((progress.done, progress.remaining), (2, 0), "nothing more allowed now")
            self.assertEqual((self.triggers() - before).call_at, start + timedelta(minutes=1))
            self.assertEqual(provider.pending_count, 3)
            # the button does not call beyond the limit either: the customer stays queued
            action = self.fetch(partners[2])
            self.assertEqual(self.calls() - calls, 2)
            self.assertIn("too many calls for now", action["params"]["message"])
        with freeze_time(start + timedelta(seconds=61)):
            self.assertEqual(fetcher._cron_refresh(), 2)
        with freeze_time(start + timedelta(seconds=122)):
            self.assertEqual(fetcher._cron_refresh(), 1)
            self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertFalse(provider.pending_partner_ids)
        self.assertEqual(self.calls() - calls, 5)

    def test_429_backs_off_until_retry_after(self):
        provider = self.enable("companies_house", "/rate-limited")
        partners = self.company_partner("A", "base.uk", company_registry="04567321") | self.company_partner(
            "B", "base.uk", company_registry="SC298765"
        )
        self.fetcher._queue_partners(partners)
        start = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(start):
            before = self.triggers()
            calls = self.calls()
            self.assertEqual(self.fetcher._cron_refresh(), 1)
            self.assertEqual(self.calls() - calls, 1, "no call after the 429")
            self.assertEqual(provider.next_call_after, start + timedelta(seconds=120))
            self.assertIn(start + timedelta(seconds=120), (self.triggers() - before).mapped("call_at"))
            self.assertEqual(provider.pending_count, 2, "both still to check, the one refused included")
            provider.base_url = self.server.url
            self.assertEqual(self.fetcher._cron_refresh(), 0)
            self.fetch(partners[0])
            self.assertEqual(self.calls() - calls, 1, "the button waits too")
        with freeze_time(start + timedelta(seconds=121)):
            self.assertEqual(self.fetcher._cron_refresh(), 2)
        self.assertEqual(partners.mapped("credit_registry_status"), ["active", "insolvency_liquidation"])

    def test_refresh_never_raises(self):
        self.enable("companies_house")
        self.providers["gleif"].write({"enabled": True, "base_url": self.server.url, "rate_limit": 1000})
        partner = self.company_partner(
            "Harbour Lane", "base.uk", company_registry="04567321", credit_registry_lei=LEI_ACTIVE_LAPSED
        )
        self.fetcher._queue_partners(partner)
        client_class = type(self.providers["companies_house"]._client())
        with (
            patch.object(client_class, "fetch", side_effect=RuntimeError("boom")),
            self.assertLogs("odoo.addons.credit_control", level="ERROR"),
        ):
            self.assertEqual(self.fetcher._cron_refresh(), 1)
            self.assertEqual(self.fetcher._cron_refresh(), 1)
        companies_house = self.latest(partner, self.providers["companies_house"])
        self.assertEqual((companies_house.status, companies_house.error), ("unknown", "unexpected error"))
        self.assertEqual(self.latest(partner, self.providers["gleif"]).status, "active")

        # a crash of the recording itself is contained to its provider
        self.fetcher._queue_partners(partner)
        original = type(self.fetcher)._record

        def record(fetcher, answers, user=None):
            if answers and answers[0][1].code == "companies_house":
                raise ValueError("disk full")
            return original(fetcher, answers, user=user)

        with (
            patch.object(type(self.fetcher), "_record", record),
            self.assertLogs("odoo.addons.credit_control", level="ERROR") as logs,
        ):
            self.assertEqual(self.fetcher._cron_refresh(), 1, "GLEIF still refreshed")
        self.assertIn("Registry refresh of companies_house failed", logs.output[0])

    # ------------------------------------------------------------------
    # Configuration and secrets
    # ------------------------------------------------------------------

    def test_providers_are_shipped_disabled_one_per_client(self):
        self.assertEqual(set(self.providers), set(CLIENTS))
        for provider in self.providers.values():
            self.assertEqual(provider.base_url, CLIENTS[provider.code].default_base_url)
            self.assertFalse(provider.enabled, "nothing is sent to a registry until someone decides to")

    def test_providers_describe_their_clients(self):
        vies, companies_house, qichacha = (self.providers[code] for code in ("vies", "companies_house", "cn_qichacha"))
        self.assertEqual(
            dict(vies._fields["code"]._description_selection(self.env)),
            {code: client_class.label for code, client_class in CLIENTS.items()},
        )
        self.assertEqual(companies_house.country_ids, self.env.ref("base.uk"))
        self.assertEqual(companies_house.accepted_identifiers, "Company ID")
        self.assertEqual(qichacha.accepted_identifiers, "Unified social credit code, Company ID, VAT number")
        self.assertFalse(vies.country_ids, "any country: the VAT prefix says where")
        self.assertEqual(
            [(provider.code, provider.uses_requester_vat) for provider in (vies, companies_house)],
            [("vies", True), ("companies_house", False)],
        )
        self.assertEqual(
            [(provider.requires_api_key, provider.uses_api_secret) for provider in (companies_house, qichacha)],
            [(True, False), (True, True)],
        )

    def test_a_new_client_class_is_a_new_registry(self):
        """One client class registered in lib/registry: Odoo lists it, chooses it for the customers
        it knows and asks it, with nothing else changed."""
        with patch.dict(CLIENTS):

            @register
            class IrishRegistryClient(CompaniesHouseClient):
                code = "ie_cro"
                label = "Ireland: Companies Registration Office"
                sequence = 5
                countries = frozenset({"IE"})
                requires_api_key = False
                default_base_url = "https://cro.example.ie"

            self.assertIs(CLIENTS["ie_cro"], IrishRegistryClient)
            providers = self.env["credit.registry.provider"].with_user(self.admin_user)
            selection = dict(providers.fields_get(["code"])["code"]["selection"])
            self.assertEqual(selection["ie_cro"], "Ireland: Companies Registration Office")
            provider = providers.create({"name": "Ireland CRO", "code": "ie_cro"})
            self.assertEqual(provider.base_url, "https://cro.example.ie")
            self.assertEqual(provider.country_ids, self.env.ref("base.ie"))
            for other in self.providers.values():
                other.enabled = False
            provider.write({"enabled": True, "base_url": self.server.url, "timeout": TIMEOUT})
            partner = self.company_partner("Liffey Traders", "base.ie", company_registry="4567321")
            self.assertEqual(partner._credit_registry_identifiers(), {"ie_cro": "04567321"})
            action = self.fetch(partner)
            self.assertEqual(action["params"]["message"], "Ireland CRO: Active")
            self.assertEqual((self.latest(partner).provider_id, partner.credit_registry_status), (provider, "active"))
            self.assertEqual(self.server.received[-1][1], "/company/04567321")
        self.assertNotIn("ie_cro", dict(provider._fields["code"]._description_selection(self.env)))

    def test_api_key_is_for_administrators_only_and_never_logged(self):
        # timeout 10 s: Odoo's test mode logs the URL of calls with shorter timeouts (test harness only)
        provider = self.enable("cn_qichacha", api_secret=SECRET, timeout=10)
        as_manager = provider.with_user(self.credit_manager)
        self.assertTrue(as_manager.has_api_key)
        refused = r'enough rights to access the fields "api_key" on Registry Provider \(credit\.registry\.provider\)'
        with self.assertRaisesRegex(AccessError, refused):
            as_manager.read(["api_key"])
        with self.assertRaisesRegex(AccessError, refused), self.env.cr.savepoint():
            as_manager.write({"api_key": "stolen"})
        self.assertEqual(provider.api_key, API_KEY, "the key was not written")
        as_manager.write({"rate_limit": 20})
        self.assertEqual(provider.with_user(self.admin_user).api_key, API_KEY)

        partner = self.company_partner("Xinghe", "base.cn", credit_registry_uscc=USCC_ACTIVE)
        # every Odoo logger at INFO (an int: Odoo names its level 25 "INFO" too)
        with self.assertLogs("odoo", level=logging.INFO) as logs:
            self.fetch(partner)
            provider.base_url = self.server.url + "/http500"
            self.fetch(partner)
            provider.base_url = self.server.url + "/missing"
            self.fetch(partner)
        output = "\n".join(logs.output)
        self.assertIn("HTTP 500", output)
        self.assertNotIn(API_KEY, output)
        self.assertNotIn(SECRET, output)
        snapshots = partner.credit_registry_snapshot_ids
        self.assertEqual(len(snapshots), 3)
        with self.assertRaisesRegex(AccessError, r'enough rights to access the fields "payload" on Registry Snapshot'):
            snapshots.with_user(self.credit_manager).read(["payload"])
        self.assertFalse(any(API_KEY in (s.error or "") + (s.payload or "") for s in snapshots.sudo()))

    def test_provider_settings_are_checked(self):
        provider = self.providers["companies_house"]
        # the savepoint is the request's transaction, rolled back on the error
        with (
            self.assertRaisesRegex(
                ValidationError,
                r"^UK Companies House needs an API key: an administrator sets it before the provider is enabled\.$",
            ),
            self.env.cr.savepoint(),
        ):
            provider.write({"enabled": True, "api_key": False})
        with (
            self.assertRaisesRegex(
                ValidationError, r"^The base URL of UK Companies House must start with https:// or http://\.$"
            ),
            self.env.cr.savepoint(),
        ):
            provider.base_url = "ftp://example.com"
        provider.invalidate_recordset()
        self.assertFalse(provider.enabled)
        self.assertEqual(provider.base_url, "https://api.company-information.service.gov.uk")

    def test_views_open_for_each_kind_of_user(self):
        accountant = new_test_user(
            self.env,
            login="registry_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        for user in (self.credit_manager, self.salesman, accountant, self.admin_user):
            with self.subTest(user=user.login):
                arch = self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
                shown = "credit_registry_status" in arch
                self.assertEqual(shown, user != self.salesman, "the Credit tab shows the registry block")
                self.assertEqual("action_credit_registry_fetch" in arch, user in (self.credit_manager, self.admin_user))
        arch = (
            self.providers["vies"].with_user(self.credit_manager).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn('name="api_key"', arch, "only administrators see the key field")
        arch = self.providers["vies"].with_user(self.admin_user).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="api_key"', arch)
        views = self.snapshots.with_user(accountant).get_views([(False, "list"), (False, "form"), (False, "search")])
        self.assertNotIn('name="payload"', views["views"]["form"]["arch"])

    def test_settings_toggle_registry_hold(self):
        settings = self.env["res.config.settings"].with_user(self.admin_user).create({})
        self.assertTrue(settings.credit_registry_hold)
        settings.credit_registry_hold = False
        settings.execute()
        self.assertFalse(self.company.credit_registry_hold)
