# isort: skip_file
# The credit core first, then each feature in dependency order: a feature re-inherits the
# models of the core (and of the features before it) in its own package.
from . import core
from . import checkpoints
from . import aging
from . import scoring
from . import dunning
from . import registry
from . import decisions
from . import collections
from . import channels
from . import desk
