"""Settings for `make bench`: the production settings plus one bench-only URL.

The site's own settings are used unchanged (they come from the environment, as
in production); only the URLconf differs, adding the bare view of bench.urls.
"""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
