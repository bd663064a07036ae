import hashlib
import json
from datetime import date
from urllib.parse import urlencode

import requests

from odoo.tests import BaseCase, tagged

from ...lib.registry import choose_providers, get_client
from ...lib.registry.risk import (
    ABNORMAL_OPERATION,
    ADMINISTRATIVE_PENALTY,
    CONSUMPTION_RESTRICTION,
    DISHONEST,
    ENFORCEMENT,
    EQUITY_FREEZE,
    JUDGEMENT,
    RISK_KINDS,
    legal_risk_index,
)
from ...lib.registry.uscc import (
    INVALID,
    REGISTRATION_CHECK_MISMATCH,
    REGISTRATION_VALID,
    USCC_CHECK_MISMATCH,
    USCC_VALID,
    check_company_code,
    registration_check_digit,
    uscc_check_character,
)
from .test_registry_clients import (
    API_KEY,
    EXPECTED_FAILURE_ERRORS,
    SECRET,
    CappedTimeoutAdapter,
    RecordedRegistryServer,
    all_keys,
    load,
    recorded,
    route_key,
)

# valid codes (check character computed by GB 32100-2015) of the companies with records
QCC_RISKY = "91110105MA01BX8T4W"
TYC_RISKY = "91310115MA1K4N7D2C"
# format right, check character wrong: as the 2015 pilot codes
PILOT_CODE = "91440300MA5G3TQ81H"
LEGACY_NUMBER = "110108019876547"

QICHACHA_PATHS = {
    DISHONEST: ("ShixinCheck/GetList", "qichacha_risk_shixin", {}),
    ENFORCEMENT: ("ZhixingCheck/GetList", "qichacha_risk_zhixing", {}),
    CONSUMPTION_RESTRICTION: ("SumptuaryCheck/GetList", "qichacha_risk_sumptuary", {}),
    JUDGEMENT: ("JudgmentDocCheck/GetList", "qichacha_risk_judgment", {"caseIdentity": "1"}),
    ADMINISTRATIVE_PENALTY: ("AdminPenaltyCheck/GetList", "qichacha_risk_penalty", {}),
    ABNORMAL_OPERATION: ("ExceptionCheck/GetList", "qichacha_risk_exception", {}),
    EQUITY_FREEZE: ("EquityFreezeCheck/GetList", "qichacha_risk_equity_freeze", {}),
}
TIANYANCHA_PATHS = {
    DISHONEST: ("jr/dishonest/2.0", "tianyancha_risk_dishonest"),
    ENFORCEMENT: ("jr/zhixinginfo/2.0", "tianyancha_risk_zhixing"),
    CONSUMPTION_RESTRICTION: ("jr/consumptionRestriction/2.0", "tianyancha_risk_consumption"),
    JUDGEMENT: ("jr/lawSuit/3.0", "tianyancha_risk_lawsuit"),
    ADMINISTRATIVE_PENALTY: ("mr/punishmentInfo/3.0", "tianyancha_risk_punishment"),
    ABNORMAL_OPERATION: ("mr/abnormal/2.0", "tianyancha_risk_abnormal"),
    EQUITY_FREEZE: ("jr/judicialAssistance/2.0", "tianyancha_risk_judicial_assistance"),
}
# people named in the recorded risk answers, and the keys that hold them
PERSON_NAMES = ("刘振华", "张伟", "孙卫东", "王海涛")
PERSONAL_RISK_KEYS = {
    "OwnerName",
    "PersonName",
    "ApplicantName",
    "ExecutedBy",
    "PartyCardNum",
    "Orgno",
    "businessentity",
    "cardnum",
    "partyCardNum",
    "xname",
    "casePersons",
    "executedPerson",
    "legalPersonName",
}


def qichacha_route(path, code, **extra):
    query = {"key": API_KEY, "searchKey": code, "pageIndex": "1", "pageSize": "20", **extra}
    return route_key(f"/{path}?{urlencode(query)}")


def tianyancha_route(path, code):
    return route_key(f"/{path}?{urlencode({'keyword': code, 'pageNum': '1', 'pageSize': '20'})}")


def risk_routes():
    """The recorded legal-risk answers of both providers, and their company details."""
    routes = {
        f"/ECIV4/GetBasicDetailsByName?key={API_KEY}&keyword={QCC_RISKY}": recorded("qichacha_basic_risky"),
        f"/ic/baseinfo/normal?keyword={TYC_RISKY}": recorded("tianyancha_basic_risky"),
    }
    for path, name, extra in QICHACHA_PATHS.values():
        routes[qichacha_route(path, QCC_RISKY, **extra)] = recorded(name)
    for path, name in TIANYANCHA_PATHS.values():
        routes[tianyancha_route(path, TYC_RISKY)] = recorded(name)
    return routes


@tagged("post_install", "-at_install", "credit_control")
class TestLegalRiskClients(BaseCase):
    """Chinese company codes, the legal-risk index and the legal-risk endpoints of Qichacha and
    Tianyancha against a local server replaying recorded answers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RecordedRegistryServer(risk_routes())
        cls.addClassCleanup(cls.server.start())
        cls.url = cls.server.url

    def client(self, code, prefix="", **config):
        config.setdefault("api_key", API_KEY)
        return get_client(code, base_url=self.url + prefix, **config)

    # -- unified social credit codes -----------------------------------------------------------

    def test_uscc_check_character(self):
        # codes published by real companies, and those of the recordings
        for code in ("911100007109288314", "91350100M000100Y43", QCC_RISKY, TYC_RISKY):
            with self.subTest(code=code):
                self.assertEqual(uscc_check_character(code[:17]), code[17])
                self.assertEqual(check_company_code(code), (code, USCC_VALID))
        self.assertEqual(check_company_code(" 9111 0105-ma01bx8t4w "), (QCC_RISKY, USCC_VALID), "as typed")

    def test_uscc_mismatch_is_a_warning_and_impossible_codes_are_invalid(self):
        self.assertEqual(check_company_code(PILOT_CODE), (PILOT_CODE, USCC_CHECK_MISMATCH))
        self.assertEqual(check_company_code(QCC_RISKY[:17] + "X")[1], USCC_CHECK_MISMATCH)
        for code in (
            QCC_RISKY[:17],  # too short
            QCC_RISKY + "1",  # too long
            "91110105MA01BI8T4W",  # I is not in the alphabet
            "91110105MA01BO8T4W",  # nor O
            "91110105MA01BS8T4W",  # nor S
            "91110105MA01BV8T4W",  # nor V
            "91110105MA01BZ8T4W",  # nor Z
            "",
            None,
        ):
            with self.subTest(code=code):
                self.assertEqual(check_company_code(code)[1], INVALID)

    def test_legacy_registration_numbers_are_accepted(self):
        self.assertEqual(registration_check_digit(LEGACY_NUMBER[:14]), LEGACY_NUMBER[14])
        self.assertEqual(check_company_code(LEGACY_NUMBER), (LEGACY_NUMBER, REGISTRATION_VALID))
        self.assertEqual(check_company_code("110108019876543")[1], REGISTRATION_CHECK_MISMATCH)
        self.assertEqual(check_company_code("11010801987654A")[1], INVALID)

    def test_the_code_chooses_the_chinese_providers_and_impossible_codes_are_never_sent(self):
        both = [("cn_qichacha", PILOT_CODE), ("cn_tianyancha", PILOT_CODE)]
        self.assertEqual(choose_providers("CN", unified_social_credit_code=PILOT_CODE), both, "a pilot code is asked")
        self.assertEqual(
            choose_providers("CN", company_registry=LEGACY_NUMBER),
            [("cn_qichacha", LEGACY_NUMBER), ("cn_tianyancha", LEGACY_NUMBER)],
        )
        self.assertEqual(
            choose_providers("CN", unified_social_credit_code="9111OI05MA01BX8T4W", vat=QCC_RISKY),
            [("cn_qichacha", QCC_RISKY), ("cn_tianyancha", QCC_RISKY)],
            "an impossible code gives way to the VAT number",
        )
        self.assertEqual(choose_providers("CN", unified_social_credit_code="9111OI05MA01BX8T4W"), [])
        self.assertEqual(choose_providers("CN", vat=LEGACY_NUMBER), [], "a 15-digit VAT number is no company code")
        sent = len(self.server.received)
        self.assertEqual(self.client("cn_qichacha").fetch("9111OI05MA01BX8T4W").error, "invalid identifier")
        self.assertEqual(
            self.client("cn_tianyancha").fetch_risk("9111OI05MA01BX8T4W", DISHONEST).error, "invalid identifier"
        )
        self.assertEqual(len(self.server.received), sent, "no paid call for a code that cannot exist")

    # -- the legal-risk index ----------------------------------------------------------------

    def test_legal_risk_index(self):
        self.assertEqual(legal_risk_index([], 10_000.0), 0.0)
        self.assertEqual(legal_risk_index([(DISHONEST, None)], 10_000.0), 40.0)
        self.assertEqual(legal_risk_index([(JUDGEMENT, 5_000.0)], 10_000.0), 7.5, "half the exposure: 1.5 times")
        self.assertEqual(legal_risk_index([(ENFORCEMENT, 1_000_000.0)], 10_000.0), 40.0, "at most twice")
        self.assertEqual(legal_risk_index([(ENFORCEMENT, 1_000_000.0)], 0.0), 20.0, "nothing owed: the kind only")
        self.assertEqual(legal_risk_index([(DISHONEST, 1.0e6), (CONSUMPTION_RESTRICTION, None)], 1.0), 100.0, "cap")
        self.assertEqual(legal_risk_index([(DISHONEST, None)], 1.0, {DISHONEST: 12.5}), 12.5, "weights given")

    # -- Qichacha ----------------------------------------------------------------------------

    def test_qichacha_every_kind(self):
        client = self.client("cn_qichacha", secret=SECRET)
        self.assertEqual(set(client.risk_endpoints), set(RISK_KINDS))
        results = {}
        for kind, (path, _name, extra) in QICHACHA_PATHS.items():
            with self.subTest(kind=kind):
                result = client.fetch_risk(QCC_RISKY, kind)
                self.assertFalse(result.error)
                self.assertTrue(result.complete)
                _method, request_path, headers, _body = self.server.received[-1]
                self.assertEqual(route_key(request_path), qichacha_route(path, QCC_RISKY, **extra))
                token = hashlib.md5(f"{API_KEY}{headers['Timespan']}{SECRET}".encode()).hexdigest().upper()
                self.assertEqual(headers["Token"], token)
                results[kind] = result
        dishonest = results[DISHONEST].events
        self.assertEqual(len(dishonest), 1)
        self.assertEqual(
            (dishonest[0].case_number, dishonest[0].authority, dishonest[0].event_date, dishonest[0].cleared),
            ("(2025)京0105执4521号", "北京市朝阳区人民法院", date(2025, 8, 12), False),
        )
        self.assertEqual(dishonest[0].reference, "b3f1c0a9e8d7c6b5a4f3e2d1c0b9a8f7")
        self.assertEqual([event.amount for event in results[ENFORCEMENT].events], [386_500.0, 1_285_000.0])
        self.assertEqual(results[JUDGEMENT].events[0].description, "买卖合同纠纷")
        self.assertEqual(results[ADMINISTRATIVE_PENALTY].events[0].amount, 50_000.0)
        abnormal = results[ABNORMAL_OPERATION].events
        self.assertEqual([event.cleared for event in abnormal], [False, True])
        self.assertEqual(abnormal[1].cleared_on, date(2022, 11, 16), "removed from the list on that day")
        self.assertNotEqual(abnormal[0].reference, abnormal[1].reference, "known by what they say")
        freeze = results[EQUITY_FREEZE].events[0]
        self.assertEqual((freeze.amount, freeze.cleared), (3_000_000.0, False))
        for result in results.values():
            self.assertFalse(all_keys(result.payload) & PERSONAL_RISK_KEYS)
            text = json.dumps(result.payload, ensure_ascii=False)
            for name in PERSON_NAMES:
                self.assertNotIn(name, text)
            self.assertNotIn(API_KEY, text)

    def test_qichacha_clean_record_unfreezing_and_incomplete_lists(self):
        client = self.client("cn_qichacha")
        clean = client.parse_risk(load("qichacha_risk_none"), DISHONEST, QCC_RISKY)
        self.assertEqual((clean.error, clean.events, clean.complete), (None, [], True), "201: nothing recorded")
        unfrozen = client.parse_risk(load("qichacha_risk_equity_unfrozen"), EQUITY_FREEZE).events[0]
        self.assertEqual((unfrozen.cleared, unfrozen.cleared_on), (True, date(2026, 11, 20)))
        many = client.parse_risk(load("qichacha_risk_zhixing_many"), ENFORCEMENT)
        self.assertEqual((many.total, len(many.events), many.complete), (27, 1, False), "one page of 27 records")
        refused = client.parse_risk(load("qichacha_invalid_key"), DISHONEST)
        self.assertEqual(refused.error, "provider error 101: 当前的KEY无效或者还未生效")

    # -- Tianyancha --------------------------------------------------------------------------

    def test_tianyancha_every_kind(self):
        client = self.client("cn_tianyancha")
        results = {}
        for kind, (path, _name) in TIANYANCHA_PATHS.items():
            with self.subTest(kind=kind):
                result = client.fetch_risk(TYC_RISKY, kind)
                self.assertFalse(result.error)
                _method, request_path, headers, _body = self.server.received[-1]
                self.assertEqual(route_key(request_path), tianyancha_route(path, TYC_RISKY))
                self.assertEqual(headers["Authorization"], API_KEY)
                results[kind] = result
        dishonest = results[DISHONEST].events[0]
        # 1756137600000 is 2025-08-25 16:00 UTC, midnight on 26 August in China
        self.assertEqual(
            (dishonest.case_number, dishonest.authority, dishonest.event_date),
            ("(2025)沪0115执12876号", "上海市浦东新区人民法院", date(2025, 8, 26)),
        )
        self.assertEqual(dishonest.reference, dishonest.case_number, "no id of its own: the case number")
        self.assertEqual(results[ENFORCEMENT].events[0].amount, 742_300.0)
        self.assertEqual(results[CONSUMPTION_RESTRICTION].events[0].reference, "88127651")
        self.assertEqual(results[JUDGEMENT].events[0].event_date, date(2025, 1, 17), "a date written out")
        self.assertEqual(results[ADMINISTRATIVE_PENALTY].events[0].amount, 20_000.0)
        abnormal = results[ABNORMAL_OPERATION].events[0]
        self.assertEqual((abnormal.cleared, abnormal.cleared_on), (True, date(2024, 10, 28)))
        freeze = results[EQUITY_FREEZE].events[0]
        self.assertEqual((freeze.amount, freeze.cleared), (6_000_000.0, False), "冻结 is frozen")
        for result in results.values():
            self.assertFalse(all_keys(result.payload) & PERSONAL_RISK_KEYS)
            text = json.dumps(result.payload, ensure_ascii=False)
            for name in PERSON_NAMES:
                self.assertNotIn(name, text)
        clean = client.parse_risk(load("tianyancha_risk_no_data"), DISHONEST)
        self.assertEqual((clean.error, clean.events, clean.complete), (None, [], True))
        refused = client.parse_risk(load("tianyancha_risk_no_permission"), DISHONEST)
        self.assertEqual(refused.error, "provider error 300006: 无权限访问此api")
        unfrozen = client.parse_risk(
            {"error_code": 0, "result": {"total": 1, "items": [{"assId": "x", "typeState": "股权冻结|解除冻结"}]}},
            EQUITY_FREEZE,
        )
        self.assertTrue(unfrozen.events[0].cleared)

    # -- failures ----------------------------------------------------------------------------

    def test_fetch_risk_never_raises(self):
        """Every failure of the details call, for the legal-risk calls of both providers."""
        session = requests.Session()
        self.addCleanup(session.close)
        session.mount("http://", CappedTimeoutAdapter(0.5))
        for code in ("cn_qichacha", "cn_tianyancha"):
            for prefix, error in EXPECTED_FAILURE_ERRORS.items():
                with self.subTest(provider=code, failure=prefix):
                    client = self.client(
                        code,
                        prefix,
                        timeout=0.5,
                        session=session,
                        **({"secret": SECRET} if code == "cn_qichacha" else {}),
                    )
                    result = client.fetch_risk(QCC_RISKY, DISHONEST)
                    self.assertEqual((result.provider, result.kind, result.error), (code, DISHONEST, error))
                    self.assertEqual(result.events, [])
                    self.assertFalse(result.complete, "a failed list clears nothing")
                    self.assertEqual(result.retry_after, 120 if prefix == "/rate-limited" else None)
                    self.assertEqual(result.transient, prefix != "/missing")
                    self.assertNotIn(API_KEY, json.dumps([result.error, result.payload]))
        odd = self.client("cn_tianyancha").parse_risk({"error_code": 0, "result": {"items": "nope"}}, DISHONEST)
        self.assertEqual(odd.error, "unexpected payload")
        self.assertEqual(
            self.client("cn_qichacha", api_key=None).fetch_risk(QCC_RISKY, DISHONEST).error, "missing API key"
        )
        self.assertEqual(get_client("vies").fetch_risk("BE0123456749", DISHONEST).error, "not offered")
