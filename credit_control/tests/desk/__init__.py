from . import test_credit_signal, test_currency_views, test_desk_tour, test_release_request
