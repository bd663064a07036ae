# Tests mirror the feature packages of models/ (see models/__init__.py).
from .aging import *  # noqa: F403
from .channels import *  # noqa: F403
from .checkpoints import *  # noqa: F403
from .collections import *  # noqa: F403
from .core import *  # noqa: F403
from .decisions import *  # noqa: F403
from .desk import *  # noqa: F403
from .dunning import *  # noqa: F403
from .registry import *  # noqa: F403
from .scoring import *  # noqa: F403
