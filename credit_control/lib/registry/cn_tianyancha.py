"""China: Tianyancha (天眼查) open API, company base information by name or credit code.

The token goes in the Authorization header. The legal representative and contact details
(legalPersonName, phoneNumber, email) are personal data and are dropped.
"""

from datetime import datetime, timedelta, timezone

from .base import register
from .cn_common import ChineseRegistryClient

# dates are midnight in China: read in UTC, 1 March would become 28 February
CHINA_TIME = timezone(timedelta(hours=8), "CST")


@register
class TianyanchaClient(ChineseRegistryClient):
    code = "cn_tianyancha"
    label = "China: Tianyancha"
    sequence = 50
    default_base_url = "https://open.api.tianyancha.com/services/open"
    personal_data_keys = frozenset({"legalPersonName", "phoneNumber", "email"})
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

    def build_request(self, identifier, **kwargs):
        return {
            "method": "GET",
            "url": f"{self.base_url}/ic/baseinfo/normal",
            "params": {"keyword": identifier},
            "headers": {"Authorization": self.api_key},
        }

    def read_date(self, value):
        return china_date(value)


def china_date(epoch_millis):
    """Tianyancha's epoch milliseconds -> the date in China; None when missing."""
    if not isinstance(epoch_millis, int | float) or isinstance(epoch_millis, bool):
        return None
    try:
        return datetime.fromtimestamp(epoch_millis / 1000, CHINA_TIME).date()
    except (OverflowError, OSError, ValueError):
        return None
