from . import (
    test_concurrency,
    test_credit_alert,
    test_credit_hold,
    test_credit_limit,
    test_exposure,
    test_limits_lib,
    test_multi_company,
    test_portal_payment,
    test_security,
    test_tour,
    test_translation,
    test_upward_edit,
)
