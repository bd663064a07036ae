# isort: skip_file
from . import credit_channel_event
from . import credit_channel
from . import credit_channel_message
from . import credit_sms_gateway
from . import credit_hold
from . import credit_alert
from . import credit_promise
from . import credit_dunning_communication
from . import credit_limit_request
from . import sms_sms
from . import res_company
from . import res_config_settings
