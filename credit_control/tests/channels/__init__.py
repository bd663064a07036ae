from . import test_channels, test_channels_lib, test_channels_sms
