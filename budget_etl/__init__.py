"""budget-etl: department budget documents (部门预算) into clean, checked, queryable data.

Importing the package switches telemetry off before Prefect or Great Expectations are
imported anywhere, so nothing in this project waits on the network.
"""

import os

for _name, _value in (
    ("DO_NOT_TRACK", "1"),
    ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
    ("GX_ANALYTICS_ENABLED", "False"),
):
    os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
