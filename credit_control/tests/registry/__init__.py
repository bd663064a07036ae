from . import test_legal_risk, test_legal_risk_clients, test_registry, test_registry_clients
