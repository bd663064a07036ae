"""Outside facts about a customer's company from public and commercial registries.

Is it active, in liquidation, how old, what legal form: one client per provider, all
answering a RegistryResult in one vocabulary (status.py). Plain Python and ``requests``,
no Odoo, so the parsing is tested without a database or the internet.

Every module of this package is imported here, so a client module registers itself (``CLIENTS``)
just by being in the folder: nothing else lists the providers.
"""

import importlib
import pkgutil

from .base import CLIENTS, RegistryClient, RegistryError, RegistryResult, choose_providers, get_client, normalise

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name):
    importlib.import_module(f"{__name__}.{_module.name}")
