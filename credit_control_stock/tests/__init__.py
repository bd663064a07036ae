from . import test_delivery_checkpoint, test_install
