from . import test_registry, test_registry_clients
