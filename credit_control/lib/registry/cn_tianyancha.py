"""China: Tianyancha (天眼查) open API, company base information by name or credit code.

The token goes in the Authorization header. The legal representative and contact details
(legalPersonName, phoneNumber, email) are personal data and are dropped.

Legal-risk records come from the judicial (``jr/``) and market-regulation (``mr/``) services
(``keyword`` the company's code, one page of ``pageSize`` records), answering
``{error_code, reason, result: {total, items: [...]}}``; 300000 (无数据) is a clean record. The
people they name (legal representative, restricted person, parties to a lawsuit, a shareholder
whose equity is frozen) and their ID numbers are dropped.
"""

from datetime import datetime, timedelta, timezone

from .base import parse_date, register
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

# dates are midnight in China: read in UTC, 1 March would become 28 February
CHINA_TIME = timezone(timedelta(hours=8), "CST")


@register
class TianyanchaClient(ChineseRegistryClient):
    code = "cn_tianyancha"
    label = "China: Tianyancha"
    sequence = 50
    default_base_url = "https://open.api.tianyancha.com/services/open"
    personal_data_keys = frozenset(
        {
            "legalPersonName",
            "phoneNumber",
            "email",
            # legal-risk records: people named and their ID numbers
            "businessentity",
            "cardnum",
            "partyCardNum",
            "xname",
            "casePersons",
            "executedPerson",
        }
    )
    code_key = "error_code"
    message_key = "reason"
    result_key = "result"
    success_code = "0"
    no_result_code = "300000"
    company_keys = {
        "status": "regStatus",
        "capital": "regCapital",
        "legal_name": "name",
        "address": "regLocation",
        "creation_date": "estiblishTime",
        "legal_form": "companyOrgType",
        "identifier": "creditCode",
    }

    risk_endpoints = {
        # 失信人
        DISHONEST: RiskEndpoint(
            path="jr/dishonest/2.0",
            keys={
                "date": "publishdate",
                "case_number": "casecode",
                "authority": "courtname",
                "description": "performance",
            },
        ),
        # 被执行人
        ENFORCEMENT: RiskEndpoint(
            path="jr/zhixinginfo/2.0",
            keys={
                "date": "caseCreateTime",
                "case_number": "caseCode",
                "authority": "execCourtName",
                "amount": "execMoney",
            },
        ),
        # 限制消费令
        CONSUMPTION_RESTRICTION: RiskEndpoint(
            path="jr/consumptionRestriction/2.0",
            keys={"reference": "id", "date": "publishDate", "case_number": "caseCode", "authority": "court"},
        ),
        # 法律诉讼
        JUDGEMENT: RiskEndpoint(
            path="jr/lawSuit/3.0",
            keys={
                "reference": "uuid",
                "date": "judgeTime",
                "case_number": "caseNo",
                "authority": "court",
                "amount": "caseMoney",
                "description": "caseReason",
            },
        ),
        # 行政处罚
        ADMINISTRATIVE_PENALTY: RiskEndpoint(
            path="mr/punishmentInfo/3.0",
            keys={
                "date": "decisionDate",
                "case_number": "punishNumber",
                "authority": "departmentName",
                "amount": "fine",
                "description": "reason",
            },
        ),
        # 经营异常
        ABNORMAL_OPERATION: RiskEndpoint(
            path="mr/abnormal/2.0",
            keys={
                "date": "putDate",
                "authority": "putDepartment",
                "description": "putReason",
                "cleared_on": "removeDate",
            },
        ),
        # 司法协助 (股权冻结)
        EQUITY_FREEZE: RiskEndpoint(
            path="jr/judicialAssistance/2.0",
            keys={
                "reference": "assId",
                "case_number": "executeNoticeNum",
                "authority": "executiveCourt",
                "amount": "equityAmount",
                "status": "typeState",
            },
            cleared_words=frozenset({"解除冻结", "解冻", "失效"}),
        ),
    }

    def build_request(self, identifier, **kwargs):
        return {
            "method": "GET",
            "url": f"{self.base_url}/ic/baseinfo/normal",
            "params": {"keyword": identifier},
            "headers": {"Authorization": self.api_key},
        }

    def build_risk_request(self, identifier, endpoint):
        return {
            "method": "GET",
            "url": f"{self.base_url}/{endpoint.path}",
            "params": {"keyword": identifier, "pageNum": "1", "pageSize": str(RISK_PAGE_SIZE)},
            "headers": {"Authorization": self.api_key},
        }

    def risk_records(self, payload):
        result = payload.get("result") or {}
        records = result.get("items") or []
        total = result.get("total")
        return records, total if isinstance(total, int) else len(records)

    def read_date(self, value):
        """Epoch milliseconds in China time, or a date written out ("2024-05-13")."""
        return parse_date(value) if isinstance(value, str) else china_date(value)


def china_date(epoch_millis):
    """Tianyancha's epoch milliseconds -> the date in China; None when missing."""
    if not isinstance(epoch_millis, int | float) or isinstance(epoch_millis, bool):
        return None
    try:
        return datetime.fromtimestamp(epoch_millis / 1000, CHINA_TIME).date()
    except (OverflowError, OSError, ValueError):
        return None
