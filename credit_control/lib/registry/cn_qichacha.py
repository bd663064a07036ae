"""China: Qichacha (企查查) company basic details, by name or unified social credit code.

The key goes in the query string; with a secret key, a Token header (MD5 of key, time and
secret) signs the call. The legal representative (OperName) and contact details are
personal data and are dropped.

Legal-risk records come from Qichacha's check endpoints (``<Name>Check/GetList``, ``searchKey``
the company's code, one page of ``pageSize`` records), answering
``{Status, Message, Paging: {TotalRecords}, Result: {VerifyResult, Data: [...]}}``; "201"
(查询无结果) is a clean record. The people they name (the company's legal representative, a
restricted person, an applicant, a shareholder whose equity is frozen) and their ID numbers
are dropped.
"""

import hashlib
import time

from .base import register
from .cn_common import RISK_PAGE_SIZE, ChineseRegistryClient
from .risk import (
    ABNORMAL_OPERATION,
    ADMINISTRATIVE_PENALTY,
    CONSUMPTION_RESTRICTION,
    DISHONEST,
    ENFORCEMENT,
    EQUITY_FREEZE,
    JUDGEMENT,
    RiskEndpoint,
)


@register
class QichachaClient(ChineseRegistryClient):
    code = "cn_qichacha"
    label = "China: Qichacha"
    sequence = 40
    default_base_url = "https://api.qichacha.com"
    uses_secret = True
    personal_data_keys = frozenset(
        {
            "OperName",
            "PhoneNumber",
            "Email",
            "ContactInfo",
            # legal-risk records: people named and their ID numbers
            "OwnerName",
            "PersonName",
            "ApplicantName",
            "ExecutedBy",
            "PartyCardNum",
            "Orgno",
        }
    )
    code_key = "Status"
    message_key = "Message"
    result_key = "Result"
    success_code = "200"
    no_result_code = "201"
    company_keys = {
        "status": "Status",
        "capital": "RegistCapi",
        "legal_name": "Name",
        "address": "Address",
        "creation_date": "StartDate",
        "legal_form": "EconKind",
        "identifier": "CreditCode",
    }

    risk_endpoints = {
        # 失信核查: listings as a dishonest judgement debtor in force
        DISHONEST: RiskEndpoint(
            path="ShixinCheck/GetList",
            keys={
                "reference": "Id",
                "date": "Publicdate",
                "case_number": "Anno",
                "authority": "Executegov",
                "description": "Actionremark",
            },
        ),
        # 被执行人核查: enforcement cases, with the amount to enforce (执行标的)
        ENFORCEMENT: RiskEndpoint(
            path="ZhixingCheck/GetList",
            keys={
                "reference": "Id",
                "date": "Liandate",
                "case_number": "Anno",
                "authority": "ExecuteGov",
                "amount": "Biaodi",
            },
        ),
        # 限制高消费核查: consumption restriction orders
        CONSUMPTION_RESTRICTION: RiskEndpoint(
            path="SumptuaryCheck/GetList",
            keys={
                "reference": "Id",
                "date": "PublishDate",
                "case_number": "CaseNo",
                "authority": "Court",
                "amount": "Amount",
            },
        ),
        # 裁判文书核查: judgements where the company is the defendant side (caseIdentity 1)
        JUDGEMENT: RiskEndpoint(
            path="JudgmentDocCheck/GetList",
            keys={
                "reference": "Id",
                "date": "JudgeDate",
                "case_number": "CaseNo",
                "authority": "Court",
                "amount": "Amount",
                "description": "CaseReason",
            },
            params=(("caseIdentity", "1"),),
        ),
        # 行政处罚核查
        ADMINISTRATIVE_PENALTY: RiskEndpoint(
            path="AdminPenaltyCheck/GetList",
            keys={
                "reference": "Id",
                "date": "PunishDate",
                "case_number": "DocNo",
                "authority": "PunishOffice",
                "amount": "PunishAmount",
                "description": "PunishReason",
            },
        ),
        # 经营异常核查: listed with its removal (移出) once the company put things right
        ABNORMAL_OPERATION: RiskEndpoint(
            path="ExceptionCheck/GetList",
            keys={
                "date": "AddDate",
                "authority": "DecisionOffice",
                "description": "AddReason",
                "cleared_on": "RemoveDate",
            },
        ),
        # 股权冻结核查
        EQUITY_FREEZE: RiskEndpoint(
            path="EquityFreezeCheck/GetList",
            keys={
                "reference": "Id",
                "date": "FreezeStartDate",
                "case_number": "ExecutionNoticeNum",
                "authority": "EnforcementCourt",
                "amount": "EquityAmount",
                "status": "Status",
                "cleared_on": "UnfreezeDate",
            },
            cleared_words=frozenset({"解除冻结", "解冻", "失效"}),
        ),
    }

    def __init__(self, base_url=None, api_key=None, timeout=10, session=None, secret=None):
        super().__init__(base_url=base_url, api_key=api_key, timeout=timeout, session=session)
        self.secret = secret

    @property
    def secrets(self):
        return tuple(secret for secret in (self.api_key, self.secret) if secret)

    def signature_headers(self):
        """Token = upper-case MD5 of key + Timespan (Unix seconds) + secret key, with the Timespan."""
        if not self.secret:
            return {}
        timespan = str(int(time.time()))
        token = hashlib.md5(f"{self.api_key}{timespan}{self.secret}".encode()).hexdigest().upper()
        return {"Token": token, "Timespan": timespan}

    def build_request(self, identifier, **kwargs):
        return {
            "method": "GET",
            "url": f"{self.base_url}/ECIV4/GetBasicDetailsByName",
            "params": {"key": self.api_key, "keyword": identifier},
            "headers": self.signature_headers(),
        }

    def build_risk_request(self, identifier, endpoint):
        return {
            "method": "GET",
            "url": f"{self.base_url}/{endpoint.path}",
            "params": {
                "key": self.api_key,
                "searchKey": identifier,
                "pageIndex": "1",
                "pageSize": str(RISK_PAGE_SIZE),
                **dict(endpoint.params),
            },
            "headers": self.signature_headers(),
        }

    def risk_records(self, payload):
        result = payload.get("Result") or {}
        records = result.get("Data") or [] if result.get("VerifyResult", 1) else []
        total = (payload.get("Paging") or {}).get("TotalRecords")
        return records, total if isinstance(total, int) else len(records)
