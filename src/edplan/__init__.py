"""edplan: track the numeric targets of a government work plan.

The package is a library first (``edplan.plan.load``, ``edplan.log.store``, ``edplan.status.engine``)
with the ``edplan`` command line on top (``edplan.cli``).
"""

from __future__ import annotations

__version__ = "0.1.0"
