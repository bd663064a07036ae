import base64
import hashlib
import json
import socket
import threading
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest.mock import patch
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter

from odoo.tests import BaseCase, tagged

from ...lib.registry import CLIENTS, RegistryClient, choose_providers, get_client, normalise
from ...lib.registry.base import (
    COMPANY_REGISTRY,
    IDENTIFIER_TYPES,
    parse_capital,
    parse_retry_after,
    register,
    registered_clients,
)
from ...lib.registry.cn_qichacha import QichachaClient
from ...lib.registry.no_brreg import brreg_raw_status
from ...lib.registry.status import (
    ACTIVE,
    DISSOLVED,
    INACTIVE,
    INSOLVENCY_LIQUIDATION,
    STATUSES,
    UNKNOWN,
    worst,
)
from ...lib.registry.vies import ViesClient

PAYLOADS = Path(__file__).parent / "payloads"
API_KEY = "test-key-7f3a9c"
SECRET = "test-secret-51d0e2"
JSON_HEADERS = {"Content-Type": "application/json"}

LEI_ACTIVE_LAPSED = "5299007QVIQ7IO64NX37"
LEI_DISSOLVED = "2138002YHCHQ7ZW1CX88"
LEI_UNKNOWN = "529900NOTFOUND000042"
USCC_ACTIVE = "91110108MA01ABCD2X"
USCC_UNKNOWN = "91110000000000000X"
TIANYANCHA_ACTIVE = "91310112MA1GB6789Q"

PERSONAL_DATA_KEYS = {
    "OperName",
    "legalPersonName",
    "phoneNumber",
    "PhoneNumber",
    "email",
    "Email",
    "dirigeants",
    "epostadresse",
    "telefon",
    "mobil",
    "care_of",
}


def load(name):
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def recorded(name, status=200):
    return status, JSON_HEADERS, (PAYLOADS / f"{name}.json").read_bytes()


# path and sorted query -> (status, headers, body). Every VIES check is a POST to the same path,
# so each VIES scenario lives under its own prefix (the client's base_url).
ROUTES = {
    "/vies-valid/check-vat-number": recorded("vies_valid"),
    "/vies-ms-unavailable/check-vat-number": recorded("vies_ms_unavailable"),
    "/vies-invalid-input/check-vat-number": recorded("vies_invalid_input", 400),
    f"/lei-records/{LEI_ACTIVE_LAPSED}": recorded("gleif_active_lapsed"),
    f"/lei-records/{LEI_UNKNOWN}": recorded("gleif_not_found", 404),
    "/company/04567321": recorded("companies_house_active"),
    "/company/SC298765": recorded("companies_house_liquidation"),
    "/company/99999999": recorded("companies_house_not_found", 404),
    "/company/00000001": recorded("companies_house_unauthorised", 401),
    "/search?q=812345674": recorded("fr_active"),
    "/search?q=999999999": recorded("fr_no_results"),
    "/enheter/923456781": recorded("brreg_active"),
    "/enheter/999999999": recorded("brreg_not_found", 404),
    "/enheter/987654321": recorded("brreg_gone", 410),
    f"/ECIV4/GetBasicDetailsByName?key={API_KEY}&keyword={USCC_ACTIVE}": recorded("qichacha_active"),
    f"/ECIV4/GetBasicDetailsByName?key={API_KEY}&keyword={USCC_UNKNOWN}": recorded("qichacha_no_result"),
    f"/ic/baseinfo/normal?keyword={TIANYANCHA_ACTIVE}": recorded("tianyancha_active"),
    f"/ic/baseinfo/normal?keyword={USCC_UNKNOWN}": recorded("tianyancha_no_data"),
}

# first path segment -> an answer for any provider under it: what fetch must survive
SLOW = "/slow"
FAILURES = {
    "/http500": (500, {"Content-Type": "text/html"}, b"<html><body>Internal Server Error</body></html>"),
    "/rate-limited": (429, {"Retry-After": "120", **JSON_HEADERS}, b'{"message": "Too many requests"}'),
    "/garbage": (200, JSON_HEADERS, b"<html>Service temporarily unavailable</html>"),
    "/empty": (200, JSON_HEADERS, b"{}"),
    "/missing": (404, JSON_HEADERS, b'{"message": "not found"}'),
}
EXPECTED_FAILURE_ERRORS = {
    SLOW: "timeout",
    "/http500": "HTTP 500",
    "/rate-limited": "rate limited",
    "/garbage": "malformed JSON",
    "/empty": "empty response",
    "/missing": "not found",
}
NO_ROUTE = (501, JSON_HEADERS, b'{"message": "no recorded answer for this request"}')

# an identifier each provider accepts, for the failure cases
IDENTIFIERS = {
    "vies": "BE0123456749",
    "gleif": LEI_ACTIVE_LAPSED,
    "companies_house": "04567321",
    "fr_recherche": "812345674",
    "no_brreg": "923456781",
    "cn_qichacha": USCC_ACTIVE,
    "cn_tianyancha": TIANYANCHA_ACTIVE,
}


def route_key(path):
    """The request's path with its query sorted, as the route table writes it."""
    parts = urlsplit(path)
    query = urlencode(sorted(parse_qsl(parts.query)))
    return f"{parts.path}?{query}" if query else parts.path


def all_keys(value):
    """Every dict key at any depth of a decoded JSON value."""
    if isinstance(value, dict):
        return set(value).union(*(all_keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(all_keys(item) for item in value))
    return set()


class RecordedRegistryHandler(BaseHTTPRequestHandler):
    """Answers as the registries did, from the route table; failure prefixes first."""

    def do_GET(self):
        self._answer()

    def do_POST(self):
        self._answer()

    def _answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append((self.command, self.path, dict(self.headers), body))
        prefix = "/" + self.path.split("/")[1]
        if prefix == SLOW:
            # longer than the client's timeout; tearDownClass releases it early
            self.server.release.wait(5)
            reply = FAILURES["/empty"]
        else:
            reply = FAILURES.get(prefix) or self.server.routes.get(route_key(self.path), NO_ROUTE)
        status, headers, content = reply
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """No access log in the test output."""


class RecordedRegistryServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes=None):
        super().__init__(("127.0.0.1", 0), RecordedRegistryHandler)
        self.routes = dict(ROUTES, **(routes or {}))
        self.received = []
        self.release = threading.Event()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self):
        """Serve in a daemon thread; returns a function that stops the server."""
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()

        def stop():
            self.release.set()
            self.shutdown()
            self.server_close()
            thread.join(5)

        return stop

    def handle_error(self, request, client_address):
        """A client that gave up waiting (the timeout case) is expected, not worth a traceback."""


class CappedTimeoutAdapter(HTTPAdapter):
    """Odoo's test harness raises any request timeout under 10 s to 10 s; this adapter puts the
    client's short timeout back so the slow route trips it without a 10-second wait."""

    def __init__(self, timeout):
        super().__init__()
        self.cap = timeout

    def send(self, request, **kwargs):
        kwargs["timeout"] = self.cap
        return super().send(request, **kwargs)


@tagged("post_install", "-at_install", "credit_control")
class TestRegistryClients(BaseCase):
    """Registry clients against a local server replaying recorded answers: parsing, status
    normalisation, personal data and keys kept out, and no failure ever raising."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RecordedRegistryServer()
        cls.addClassCleanup(cls.server.start())
        cls.url = cls.server.url

    def client(self, code, prefix="", **config):
        config.setdefault("api_key", API_KEY)
        return get_client(code, base_url=self.url + prefix, **config)

    def last_request(self):
        return self.server.received[-1]

    def assertNoSecret(self, result):
        text = json.dumps([result.error, result.payload], ensure_ascii=False)
        self.assertNotIn(API_KEY, text)
        self.assertNotIn(SECRET, text)

    # -- status normalisation ----------------------------------------------------------------

    def test_status_tables(self):
        expected = {
            "vies": {
                "VALID": ACTIVE,
                "INVALID": INACTIVE,
                "MS_UNAVAILABLE": UNKNOWN,
                "TIMEOUT": UNKNOWN,
                "SERVICE_UNAVAILABLE": UNKNOWN,
                "MS_MAX_CONCURRENT_REQ": UNKNOWN,
                "INVALID_INPUT": UNKNOWN,
            },
            "gleif": {"ACTIVE": ACTIVE, "INACTIVE": INACTIVE, "NULL": UNKNOWN},
            "companies_house": {
                "active": ACTIVE,
                "registered": ACTIVE,
                "open": ACTIVE,
                "liquidation": INSOLVENCY_LIQUIDATION,
                "administration": INSOLVENCY_LIQUIDATION,
                "receivership": INSOLVENCY_LIQUIDATION,
                "insolvency-proceedings": INSOLVENCY_LIQUIDATION,
                "voluntary-arrangement": INSOLVENCY_LIQUIDATION,
                "dissolved": DISSOLVED,
                "converted-closed": DISSOLVED,
                "removed": DISSOLVED,
                "closed": DISSOLVED,
                "something-new": UNKNOWN,
            },
            "fr_recherche": {"A": ACTIVE, "C": DISSOLVED, "F": UNKNOWN},
            "no_brreg": {
                "registrert": ACTIVE,
                "konkurs": INSOLVENCY_LIQUIDATION,
                "underAvvikling": INSOLVENCY_LIQUIDATION,
                "underTvangsavviklingEllerTvangsopplosning": INSOLVENCY_LIQUIDATION,
                "slettet": DISSOLVED,
                "fjernet": DISSOLVED,
            },
            "cn_qichacha": {
                "存续": ACTIVE,
                "在业": ACTIVE,
                "开业": ACTIVE,
                "存续（在营、开业、在册）": ACTIVE,
                "吊销": INACTIVE,
                "吊销，未注销": INACTIVE,
                "吊销，已注销": DISSOLVED,
                "迁出": INACTIVE,
                "停业": INACTIVE,
                "清算": INSOLVENCY_LIQUIDATION,
                "注销": DISSOLVED,
                "撤销": UNKNOWN,
            },
            "cn_tianyancha": {"存续": ACTIVE, "注销": DISSOLVED, "吊销": INACTIVE, "清算": INSOLVENCY_LIQUIDATION},
            "unknown_provider": {"active": UNKNOWN},
        }
        for provider, table in expected.items():
            for raw_status, status in table.items():
                with self.subTest(provider=provider, raw_status=raw_status):
                    self.assertEqual(normalise(provider, raw_status), status)
        self.assertEqual(normalise("companies_house", None), UNKNOWN)
        self.assertEqual(normalise("companies_house", ["active"]), UNKNOWN)

    def test_gleif_status_depends_on_entity_and_expiration_only(self):
        self.assertEqual(normalise("gleif", "ACTIVE", registration_status="LAPSED"), ACTIVE)
        self.assertEqual(normalise("gleif", "INACTIVE", expiration_reason="DISSOLVED"), DISSOLVED)
        self.assertEqual(normalise("gleif", "INACTIVE", expiration_reason="CORPORATE_ACTION"), INACTIVE)
        self.assertEqual(normalise("gleif", "INACTIVE"), INACTIVE)

    def test_worst_status_wins_and_unknown_hides_nothing(self):
        self.assertEqual(worst([ACTIVE, DISSOLVED, INACTIVE]), DISSOLVED)
        self.assertEqual(worst([INSOLVENCY_LIQUIDATION, INACTIVE, ACTIVE]), INSOLVENCY_LIQUIDATION)
        self.assertEqual(worst([UNKNOWN, ACTIVE]), ACTIVE, "an outage does not hide an answer")
        self.assertEqual(worst([UNKNOWN, "something-new"]), UNKNOWN)
        self.assertEqual(worst([]), UNKNOWN)

    def test_brreg_flags_make_one_word_most_serious_first(self):
        self.assertEqual(brreg_raw_status({"konkurs": False, "underAvvikling": False}), "registrert")
        self.assertEqual(brreg_raw_status({"underAvvikling": True}), "underAvvikling")
        self.assertEqual(
            brreg_raw_status({"underTvangsavviklingEllerTvangsopplosning": True}),
            "underTvangsavviklingEllerTvangsopplosning",
        )
        self.assertEqual(brreg_raw_status({"konkurs": True, "underAvvikling": True}), "konkurs")
        self.assertEqual(brreg_raw_status({"konkurs": True, "slettedato": "2024-05-02"}), "slettet")

    # -- parsing, without HTTP ---------------------------------------------------------------

    def test_vies_parsing(self):
        client = ViesClient()
        valid = client.parse(load("vies_valid"))
        self.assertEqual((valid.status, valid.raw_status, valid.error), (ACTIVE, "VALID", None))
        self.assertEqual(valid.legal_name, "ATELIERS DU HAINAUT SA")
        self.assertEqual(valid.address, "RUE DE LA STATION 12, 7000 MONS")
        self.assertEqual((valid.identifier, valid.consultation_number), ("BE0123456749", "WAPIAAAAZ5dKq1Hb"))
        not_shared = client.parse(load("vies_valid_name_not_shared"))
        self.assertEqual((not_shared.status, not_shared.legal_name, not_shared.address), (ACTIVE, None, None))
        self.assertIsNone(not_shared.consultation_number)
        invalid = client.parse(load("vies_invalid"))
        self.assertEqual((invalid.status, invalid.error), (INACTIVE, None), "an invalid VAT number is no dead company")
        outage = client.parse(load("vies_ms_unavailable"))
        self.assertEqual((outage.status, outage.error), (UNKNOWN, "MS_UNAVAILABLE"))
        busy = client.parse(load("vies_max_concurrent"))
        self.assertEqual((busy.status, busy.error), (UNKNOWN, "MS_MAX_CONCURRENT_REQ"))

    def test_gleif_parsing(self):
        client = get_client("gleif")
        lapsed = client.parse(load("gleif_active_lapsed"))
        self.assertEqual((lapsed.status, lapsed.raw_status), (ACTIVE, "ACTIVE"), "a lapsed LEI is no dead company")
        self.assertEqual(lapsed.legal_name, "Rheinland Präzisionsteile GmbH")
        self.assertEqual(lapsed.address, "Industriestraße 27, 50829, Köln, DE-NW, DE")
        self.assertEqual((lapsed.creation_date, lapsed.legal_form), (date(1998, 4, 1), "2HBR"))
        self.assertEqual(lapsed.identifier, LEI_ACTIVE_LAPSED)
        dissolved = client.parse(load("gleif_dissolved"))
        self.assertEqual((dissolved.status, dissolved.raw_status), (DISSOLVED, "INACTIVE"))
        self.assertEqual(dissolved.legal_form, "PRIVATE LIMITED COMPANY")
        self.assertEqual(client.parse(load("gleif_merged")).status, INACTIVE)

    def test_companies_house_parsing(self):
        client = get_client("companies_house")
        active = client.parse(load("companies_house_active"))
        self.assertEqual((active.status, active.raw_status, active.legal_form), (ACTIVE, "active", "ltd"))
        self.assertEqual(active.legal_name, "HARBOUR LANE TRADING LIMITED")
        self.assertEqual(active.address, "Harbour House, 12 Quay Street, Bristol, BS1 4DB, England")
        self.assertEqual((active.creation_date, active.identifier), (date(2002, 10, 14), "04567321"))
        liquidation = client.parse(load("companies_house_liquidation"))
        self.assertEqual((liquidation.status, liquidation.raw_status), (INSOLVENCY_LIQUIDATION, "liquidation"))
        self.assertTrue(liquidation.payload["has_insolvency_history"])
        self.assertTrue(liquidation.payload["accounts"]["overdue"])
        self.assertEqual((liquidation.insolvency_history, liquidation.accounts_overdue), (True, True))
        self.assertEqual((active.insolvency_history, active.accounts_overdue), (False, False))
        self.assertEqual(client.parse(load("companies_house_dissolved")).status, DISSOLVED)

    def test_fr_recherche_parsing_keeps_only_the_searched_siren(self):
        client = get_client("fr_recherche")
        active = client.parse(load("fr_active"), "812345674")
        self.assertEqual((active.status, active.raw_status, active.identifier), (ACTIVE, "A", "812345674"))
        self.assertEqual(active.legal_name, "MÉCANIQUE DE PRÉCISION DE L'OUEST (MPO)")
        self.assertEqual(active.address, "ZONE INDUSTRIELLE DU BOIS JOLY 17 RUE DES FORGES 85500 LES HERBIERS")
        self.assertEqual((active.creation_date, active.legal_form), (date(2015, 9, 14), "5710"))
        ceased = client.parse(load("fr_ceased"), "438912577")
        self.assertEqual((ceased.status, ceased.raw_status), (DISSOLVED, "C"))
        self.assertEqual(client.parse(load("fr_ceased"), "812345674").error, "not found")
        self.assertEqual(client.parse(load("fr_no_results"), "812345674").error, "not found")

    def test_brreg_parsing(self):
        client = get_client("no_brreg")
        active = client.parse(load("brreg_active"))
        self.assertEqual((active.status, active.raw_status), (ACTIVE, "registrert"))
        self.assertEqual((active.legal_name, active.legal_form), ("FJORDKYST SJØMAT AS", "AS"))
        self.assertEqual(active.address, "Strandkaien 4, 5003, BERGEN, Norge")
        self.assertEqual((active.creation_date, active.identifier), (date(2019, 7, 30), "923456781"))
        bankrupt = client.parse(load("brreg_konkurs"))
        self.assertEqual((bankrupt.status, bankrupt.raw_status), (INSOLVENCY_LIQUIDATION, "konkurs"))
        deleted = client.parse(load("brreg_deleted"))
        self.assertEqual((deleted.status, deleted.raw_status), (DISSOLVED, "slettet"))

    def test_qichacha_parsing(self):
        client = get_client("cn_qichacha", api_key=API_KEY)
        active = client.parse(load("qichacha_active"))
        self.assertEqual((active.status, active.raw_status), (ACTIVE, "存续（在营、开业、在册）"))
        self.assertEqual((active.legal_name, active.identifier), ("北京星河智造科技有限公司", USCC_ACTIVE))
        self.assertEqual((active.capital_amount, active.capital_currency), (10_000_000.0, "CNY"))
        self.assertEqual(
            (active.creation_date, active.legal_form), (date(2015, 6, 18), "有限责任公司(自然人投资或控股)")
        )
        revoked = client.parse(load("qichacha_revoked"))
        self.assertEqual(revoked.status, INACTIVE, "a revoked licence is not a deregistered company")
        self.assertEqual((revoked.capital_amount, revoked.capital_currency), (2_000_000.0, "USD"))
        self.assertEqual(client.parse(load("qichacha_no_result")).error, "not found")
        invalid_key = client.parse(load("qichacha_invalid_key"))
        self.assertEqual(
            (invalid_key.status, invalid_key.error), (UNKNOWN, "provider error 101: 当前的KEY无效或者还未生效")
        )

    def test_tianyancha_parsing_reads_dates_in_china_time(self):
        client = get_client("cn_tianyancha", api_key=API_KEY)
        active = client.parse(load("tianyancha_active"))
        self.assertEqual((active.status, active.raw_status, active.identifier), (ACTIVE, "存续", TIANYANCHA_ACTIVE))
        # 1425139200000 is 2015-02-28 16:00 UTC, midnight on 1 March in China
        self.assertEqual(active.creation_date, date(2015, 3, 1))
        self.assertEqual((active.capital_amount, active.capital_currency), (50_000_000.0, "CNY"))
        cancelled = client.parse(load("tianyancha_cancelled"))
        self.assertEqual((cancelled.status, cancelled.creation_date), (DISSOLVED, date(2009, 11, 20)))
        self.assertEqual((cancelled.capital_amount, cancelled.capital_currency), (150_000_000.0, "CNY"))
        self.assertEqual(client.parse(load("tianyancha_no_data")).error, "not found")
        self.assertEqual(client.parse(load("tianyancha_rate_limited")).error, "provider error 300004: 访问频率过快")

    def test_capital_parsing(self):
        self.assertEqual(parse_capital("1000万人民币"), (10_000_000.0, "CNY"))
        self.assertEqual(parse_capital("5000万元人民币"), (50_000_000.0, "CNY"))
        self.assertEqual(parse_capital("200万美元"), (2_000_000.0, "USD"))
        self.assertEqual(parse_capital("1.5亿元"), (150_000_000.0, "CNY"))
        self.assertEqual(parse_capital("50万港元"), (500_000.0, "HKD"))
        self.assertEqual(parse_capital("1,200.5万元"), (12_005_000.0, "CNY"))
        self.assertEqual(parse_capital("300000"), (300_000.0, None))
        self.assertEqual(parse_capital("-"), (None, None))
        self.assertEqual(parse_capital(None), (None, None))

    def test_personal_data_is_never_kept(self):
        samples = {
            "cn_qichacha": ["qichacha_active", "qichacha_revoked"],
            "cn_tianyancha": ["tianyancha_active", "tianyancha_cancelled"],
            "fr_recherche": ["fr_active", "fr_ceased"],
            "no_brreg": ["brreg_active"],
            "companies_house": ["companies_house_active"],
        }
        for code, names in samples.items():
            client = get_client(code, api_key=API_KEY)
            for name in names:
                with self.subTest(payload=name):
                    payload = load(name)
                    self.assertTrue(all_keys(payload) & PERSONAL_DATA_KEYS, "the recording holds personal data")
                    result = client.parse(payload)
                    self.assertFalse(all_keys(result.payload) & PERSONAL_DATA_KEYS)
                    self.assertNotIn("王建国", json.dumps(result.payload, ensure_ascii=False))

    def test_api_key_is_redacted_from_provider_messages(self):
        client = QichachaClient(api_key=API_KEY, secret=SECRET)
        result = client.parse({"Status": "102", "Message": f"KEY {API_KEY} 已过期 ({SECRET})", "Result": None})
        self.assertEqual(result.error, "provider error 102: KEY *** 已过期 (***)")
        self.assertEqual(result.payload["Message"], "KEY *** 已过期 (***)")
        self.assertNoSecret(result)

    def test_retry_after_parsing(self):
        now = datetime(2026, 11, 23, 9, 0, 0, tzinfo=timezone.utc)
        self.assertEqual(parse_retry_after("120"), 120)
        self.assertEqual(parse_retry_after("Mon, 23 Nov 2026 09:01:30 GMT", now=now), 90)
        self.assertEqual(parse_retry_after("Mon, 23 Nov 2026 08:59:00 GMT", now=now), 0)
        self.assertIsNone(parse_retry_after("soon"))
        self.assertIsNone(parse_retry_after(None))

    # -- choosing providers ------------------------------------------------------------------

    def test_choose_providers(self):
        cases = [
            ("DE", {"vat": "DE 284 750 163"}, [("vies", "DE284750163")]),
            ("FR", {"vat": "FR40303265045"}, [("fr_recherche", "303265045"), ("vies", "FR40303265045")]),
            ("FR", {"company_registry": "303 265 045 00013"}, [("fr_recherche", "303265045")]),
            (
                "GB",
                {"vat": "GB123456789", "company_registry": "445790", "lei": LEI_DISSOLVED},
                [("companies_house", "00445790"), ("gleif", LEI_DISSOLVED)],
            ),
            (
                "GB",
                {"vat": "XI123456789", "company_registry": "SC298765"},
                [("companies_house", "SC298765"), ("vies", "XI123456789")],
            ),
            ("GR", {"vat": "123456789"}, [("vies", "EL123456789")]),
            ("NO", {"vat": "NO 923 456 781 MVA"}, [("no_brreg", "923456781")]),
            (
                "CN",
                {"unified_social_credit_code": USCC_ACTIVE.lower()},
                [("cn_qichacha", USCC_ACTIVE), ("cn_tianyancha", USCC_ACTIVE)],
            ),
            # a legacy 15-digit registration number is asked about too (its check digit aside)
            (
                "CN",
                {"company_registry": "110108019876543"},
                [("cn_qichacha", "110108019876543"), ("cn_tianyancha", "110108019876543")],
            ),
            ("CN", {"company_registry": "11010801987654"}, []),
            ("US", {"lei": LEI_ACTIVE_LAPSED}, [("gleif", LEI_ACTIVE_LAPSED)]),
            ("US", {"lei": LEI_ACTIVE_LAPSED[:-1] + "8"}, []),
            (None, {"vat": "123"}, []),
        ]
        for country, identifiers, expected in cases:
            with self.subTest(country=country, **identifiers):
                self.assertEqual(choose_providers(country, **identifiers), expected)

    def test_clients_by_code(self):
        self.assertEqual(
            set(CLIENTS),
            {"vies", "gleif", "companies_house", "fr_recherche", "no_brreg", "cn_qichacha", "cn_tianyancha"},
        )
        self.assertIsInstance(get_client("vies"), ViesClient)
        with self.assertRaises(ValueError):
            get_client("nowhere")

    def test_clients_describe_themselves(self):
        self.assertEqual(
            [client_class.code for client_class in registered_clients()],
            ["companies_house", "fr_recherche", "no_brreg", "cn_qichacha", "cn_tianyancha", "gleif", "vies"],
            "national registers first, then GLEIF, then VIES",
        )
        for code, client_class in CLIENTS.items():
            with self.subTest(provider=code):
                self.assertEqual(client_class.code, code)
                self.assertTrue(client_class.label)
                self.assertTrue(client_class.default_base_url.startswith("https://"))
                self.assertTrue(client_class.identifiers)
                self.assertLessEqual(set(client_class.identifiers), set(IDENTIFIER_TYPES))
                self.assertTrue(client_class.statuses)
                self.assertLessEqual(set(client_class.statuses.values()), set(STATUSES))
                for raw_status, status in client_class.statuses.items():
                    self.assertEqual(normalise(code, raw_status), status)
        self.assertEqual(CLIENTS["companies_house"].countries, {"GB"})
        self.assertIsNone(CLIENTS["gleif"].countries, "an LEI is worldwide")
        self.assertIs(CLIENTS["cn_qichacha"].statuses, CLIENTS["cn_tianyancha"].statuses)

    def test_a_registered_client_is_chosen_without_touching_anything_else(self):
        with patch.dict(CLIENTS):

            @register
            class AtlantisClient(RegistryClient):
                code = "aq_atlantis"
                label = "Atlantis: register of companies"
                sequence = 15
                identifiers = (COMPANY_REGISTRY,)
                countries = frozenset({"AQ"})
                statuses = {"alive": ACTIVE, "sunk": DISSOLVED}
                default_base_url = "https://atlantis.example"

            self.assertIs(get_client("aq_atlantis").__class__, AtlantisClient)
            self.assertEqual(choose_providers("aq", company_registry=" at-42 "), [("aq_atlantis", "at-42")])
            self.assertEqual(choose_providers("FR", company_registry="812345674"), [("fr_recherche", "812345674")])
            self.assertEqual(
                (normalise("aq_atlantis", "sunk"), normalise("aq_atlantis", "adrift")), (DISSOLVED, UNKNOWN)
            )
            # in sequence order among the others
            self.assertEqual(registered_clients()[1], AtlantisClient)
        self.assertNotIn("aq_atlantis", CLIENTS)
        self.assertEqual(choose_providers("AQ", company_registry="at-42"), [])

    def test_registration_checks_the_description(self):
        class Described(RegistryClient):
            code = "xx_described"
            label = "Described"
            identifiers = (COMPANY_REGISTRY,)
            statuses = {"ok": ACTIVE}

        cases = [
            ({"label": ""}, TypeError, r"^NoLabel needs a code and a label$"),
            ({"identifiers": ("passport",)}, ValueError, r"^BadIdentifier: identifiers must be among"),
            ({"identifiers": ()}, ValueError, r"^NoIdentifier: identifiers must be among"),
            ({"statuses": {"ok": "thriving"}}, ValueError, r"^BadStatus: statuses must map to"),
            ({"code": "vies"}, ValueError, r"^registry provider 'vies' is already registered by ViesClient$"),
        ]
        names = iter(["NoLabel", "BadIdentifier", "NoIdentifier", "BadStatus", "Duplicate"])
        with patch.dict(CLIENTS):
            for attributes, exception, message in cases:
                with self.subTest(**attributes):
                    client_class = type(next(names), (Described,), attributes)
                    with self.assertRaisesRegex(exception, message):
                        register(client_class)
                    self.assertIsNot(CLIENTS.get(client_class.code), client_class, "nothing registered")
            self.assertEqual(
                set(CLIENTS),
                {"vies", "gleif", "companies_house", "fr_recherche", "no_brreg", "cn_qichacha", "cn_tianyancha"},
            )

    # -- over HTTP ---------------------------------------------------------------------------

    def test_vies_sends_the_requester_and_keeps_the_consultation_number(self):
        result = self.client("vies", "/vies-valid").fetch("be 0123.456.749", requester_vat="FR40303265045")
        self.assertEqual((result.status, result.consultation_number), (ACTIVE, "WAPIAAAAZ5dKq1Hb"))
        method, path, _headers, body = self.last_request()
        self.assertEqual((method, path), ("POST", "/vies-valid/check-vat-number"))
        self.assertEqual(
            json.loads(body),
            {
                "countryCode": "BE",
                "vatNumber": "0123456749",
                "requesterMemberStateCode": "FR",
                "requesterNumber": "40303265045",
            },
        )
        self.client("vies", "/vies-valid").fetch("BE0123456749")
        self.assertNotIn("requesterNumber", json.loads(self.last_request()[3]))

    def test_vies_outages_are_unknown_not_invalid(self):
        outage = self.client("vies", "/vies-ms-unavailable").fetch("IT01234567897")
        self.assertEqual((outage.status, outage.error), (UNKNOWN, "MS_UNAVAILABLE"))
        bad_input = self.client("vies", "/vies-invalid-input").fetch("IT01234567897")
        self.assertEqual((bad_input.status, bad_input.error), (UNKNOWN, "INVALID_INPUT"))

    def test_gleif_fetch(self):
        self.assertEqual(self.client("gleif").fetch(LEI_ACTIVE_LAPSED.lower()).status, ACTIVE)
        self.assertEqual(self.last_request()[1], f"/lei-records/{LEI_ACTIVE_LAPSED}")
        missing = self.client("gleif").fetch(LEI_UNKNOWN)
        self.assertEqual((missing.status, missing.error), (UNKNOWN, "not found"))
        self.assertEqual(missing.payload["errors"][0]["title"], "Not Found")

    def test_companies_house_fetch_authenticates_with_the_key_as_user_name(self):
        result = self.client("companies_house").fetch("4567321")
        self.assertEqual((result.status, result.identifier), (ACTIVE, "04567321"))
        expected = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
        self.assertEqual(self.last_request()[2]["Authorization"], expected)
        liquidation = self.client("companies_house").fetch("SC298765")
        self.assertEqual(liquidation.status, INSOLVENCY_LIQUIDATION)
        self.assertEqual(self.client("companies_house").fetch("99999999").error, "not found")
        refused = self.client("companies_house").fetch("00000001")
        self.assertEqual((refused.status, refused.error), (UNKNOWN, "HTTP 401"))
        self.assertNoSecret(refused)

    def test_fr_recherche_fetch(self):
        result = self.client("fr_recherche").fetch("FR40812345674")
        self.assertEqual((result.status, result.identifier), (ACTIVE, "812345674"))
        self.assertEqual(self.last_request()[1], "/search?q=812345674")
        self.assertEqual(self.client("fr_recherche").fetch("999 999 999").error, "not found")

    def test_brreg_fetch(self):
        self.assertEqual(self.client("no_brreg").fetch("923 456 781").status, ACTIVE)
        missing = self.client("no_brreg").fetch("999999999")
        self.assertEqual((missing.status, missing.error), (UNKNOWN, "not found"))
        gone = self.client("no_brreg").fetch("987654321")
        self.assertEqual((gone.status, gone.raw_status, gone.error), (DISSOLVED, "fjernet", None))

    def test_qichacha_fetch_signs_with_a_token(self):
        result = self.client("cn_qichacha", secret=SECRET).fetch(USCC_ACTIVE)
        self.assertEqual((result.status, result.capital_amount), (ACTIVE, 10_000_000.0))
        headers = self.last_request()[2]
        token = hashlib.md5(f"{API_KEY}{headers['Timespan']}{SECRET}".encode()).hexdigest().upper()
        self.assertEqual(headers["Token"], token)
        self.assertNotIn("OperName", all_keys(result.payload))
        self.assertNoSecret(result)
        missing = self.client("cn_qichacha").fetch(USCC_UNKNOWN)
        self.assertEqual((missing.status, missing.error), (UNKNOWN, "not found"))

    def test_tianyancha_fetch_sends_the_token_header(self):
        result = self.client("cn_tianyancha").fetch(TIANYANCHA_ACTIVE)
        self.assertEqual((result.status, result.legal_name), (ACTIVE, "上海浦江精密机械股份有限公司"))
        self.assertEqual(self.last_request()[2]["Authorization"], API_KEY)
        self.assertFalse(all_keys(result.payload) & {"legalPersonName", "phoneNumber", "email"})
        self.assertNoSecret(result)
        self.assertEqual(self.client("cn_tianyancha").fetch(USCC_UNKNOWN).error, "not found")

    def test_fetch_never_raises(self):
        """Every provider against every failure: an "unknown" result saying why, no exception,
        no key. The slow route sleeps past the client's 0.5 s timeout."""
        session = requests.Session()
        self.addCleanup(session.close)
        session.mount("http://", CappedTimeoutAdapter(0.5))
        for code, identifier in IDENTIFIERS.items():
            for prefix, error in EXPECTED_FAILURE_ERRORS.items():
                with self.subTest(provider=code, failure=prefix):
                    client = self.client(code, prefix, timeout=0.5, session=session)
                    result = client.fetch(identifier)
                    self.assertEqual((result.provider, result.status, result.error), (code, UNKNOWN, error))
                    self.assertEqual(result.retry_after, 120 if prefix == "/rate-limited" else None)
                    # "not found" stays so; the rest may pass if asked again later
                    self.assertEqual(result.transient, prefix != "/missing")
                    self.assertNoSecret(result)

    def test_results_say_the_http_status_and_whether_to_retry_soon(self):
        active = self.client("companies_house").fetch("04567321")
        self.assertEqual((active.http_status, active.error, active.transient), (200, None, False))
        refused = self.client("companies_house").fetch("00000001")
        self.assertEqual((refused.http_status, refused.transient), (401, False), "a refused key stays refused")
        outage = self.client("vies", "/vies-ms-unavailable").fetch("IT01234567897")
        self.assertEqual((outage.http_status, outage.transient), (200, True), "a member state comes back")
        bad_input = self.client("vies", "/vies-invalid-input").fetch("IT01234567897")
        self.assertFalse(bad_input.transient)
        self.assertFalse(self.client("gleif").fetch("NOT-AN-LEI").transient)
        self.assertIsNone(self.client("gleif").fetch("NOT-AN-LEI").http_status, "nothing was sent")

    def test_unreachable_server_is_a_connection_error_without_the_key(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        client = get_client("cn_qichacha", base_url=f"http://127.0.0.1:{closed_port}", api_key=API_KEY)
        result = client.fetch(USCC_ACTIVE)
        self.assertEqual((result.status, result.error, result.transient), (UNKNOWN, "connection error", True))
        self.assertNoSecret(result)

    def test_nothing_is_sent_without_a_key_or_a_valid_identifier(self):
        sent = len(self.server.received)
        self.assertEqual(self.client("companies_house", api_key=None).fetch("04567321").error, "missing API key")
        self.assertEqual(self.client("cn_tianyancha", api_key="").fetch(USCC_ACTIVE).error, "missing API key")
        self.assertEqual(self.client("gleif").fetch("NOT-AN-LEI").error, "invalid identifier")
        self.assertEqual(self.client("no_brreg").fetch("12345").error, "invalid identifier")
        self.assertEqual(self.client("vies").fetch("GB123456789").error, "invalid identifier")
        self.assertEqual(self.client("fr_recherche").fetch(None).error, "invalid identifier")
        self.assertEqual(len(self.server.received), sent)
