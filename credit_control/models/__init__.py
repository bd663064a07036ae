from . import (
    credit_exposure,
    credit_hold,
    credit_hold_reason,
    credit_rule,
    payment_transaction,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
    sale_order_line,
)
