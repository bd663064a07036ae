"""Outside facts about a customer's company from public and commercial registries.

Is it active, in liquidation, how old, what legal form: one client per provider, all
answering a RegistryResult in one vocabulary (status.py). Plain Python and ``requests``,
no Odoo, so the parsing is tested without a database or the internet.
"""

from . import cn_common, cn_qichacha, cn_tianyancha, companies_house, fr_recherche, gleif, no_brreg, status, vies
from .base import CLIENTS, RegistryClient, RegistryError, RegistryResult, choose_providers, get_client
from .status import normalise
