"""China: Qichacha (企查查) company basic details, by name or unified social credit code.

The key goes in the query string; with a secret key, a Token header (MD5 of key, time and
secret) signs the call. The legal representative (OperName) and contact details are
personal data and are dropped.
"""

import hashlib
import time

from .base import register
from .cn_common import ChineseRegistryClient


@register
class QichachaClient(ChineseRegistryClient):
    code = "cn_qichacha"
    label = "China: Qichacha"
    sequence = 40
    default_base_url = "https://api.qichacha.com"
    uses_secret = True
    personal_data_keys = frozenset({"OperName", "PhoneNumber", "Email", "ContactInfo"})
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

    def __init__(self, base_url=None, api_key=None, timeout=10, session=None, secret=None):
        super().__init__(base_url=base_url, api_key=api_key, timeout=timeout, session=session)
        self.secret = secret

    @property
    def secrets(self):
        return tuple(secret for secret in (self.api_key, self.secret) if secret)

    def build_request(self, identifier, **kwargs):
        headers = {}
        if self.secret:
            timespan = str(int(time.time()))
            token = hashlib.md5(f"{self.api_key}{timespan}{self.secret}".encode()).hexdigest().upper()
            headers = {"Token": token, "Timespan": timespan}
        return {
            "method": "GET",
            "url": f"{self.base_url}/ECIV4/GetBasicDetailsByName",
            "params": {"key": self.api_key, "keyword": identifier},
            "headers": headers,
        }
