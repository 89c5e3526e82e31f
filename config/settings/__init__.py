"""Settings for the mall server, one module per topic.

Everything that differs between a laptop and a real mall comes from the environment
(DESIGN.md, "Configuration"); the embedded defaults need no service: a SQLite file in the
project and the in-memory channel layer.
"""

from config.settings.api import *  # noqa: F403
from config.settings.base import *  # noqa: F403
from config.settings.channels import *  # noqa: F403
from config.settings.database import *  # noqa: F403
from config.settings.mall import *  # noqa: F403
from config.settings.security import *  # noqa: F403
