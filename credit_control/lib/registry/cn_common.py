"""What Qichacha and Tianyancha share: the same answer, an envelope around one company record.

Both wrap the company in an envelope with a result code and a message, write the registered
capital as text ("1000万人民币") and use the same Chinese status words; only the key names,
the codes and the way dates are written differ, so each client just names them.
"""

from .base import NOT_FOUND, RegistryClient, RegistryError, parse_capital, parse_date
from .status import normalise


class ChineseRegistryClient(RegistryClient):
    """A Chinese business-registration API answering ``{code, message, result: {company}}``.

    Subclasses name the envelope's keys and codes, and the company record's keys in
    ``company_keys`` (legal_name, address, creation_date, legal_form, capital, status,
    identifier); ``read_date`` turns the creation date as written into a date.
    """

    requires_api_key = True
    code_key = ""
    message_key = ""
    result_key = ""
    # result codes compared as text: one provider sends "200", the other 0
    success_code = ""
    no_result_code = ""
    company_keys = {}

    def read_date(self, value):
        return parse_date(value)

    def interpret(self, payload, identifier):
        code = str(payload.get(self.code_key))
        if code == self.no_result_code:
            raise RegistryError(NOT_FOUND)
        if code != self.success_code:
            raise RegistryError(f"provider error {code}: {payload.get(self.message_key)}")
        company = payload[self.result_key]
        keys = self.company_keys
        raw_status = company.get(keys["status"])
        capital_amount, capital_currency = parse_capital(company.get(keys["capital"]))
        return self.result(
            payload,
            status=normalise(self.code, raw_status),
            raw_status=raw_status,
            legal_name=company.get(keys["legal_name"]),
            address=company.get(keys["address"]),
            creation_date=self.read_date(company.get(keys["creation_date"])),
            legal_form=company.get(keys["legal_form"]),
            capital_amount=capital_amount,
            capital_currency=capital_currency,
            identifier=company.get(keys["identifier"]) or identifier,
        )
