"""govcheck: governance-as-code checks for business-platform integrations."""
from __future__ import annotations

__version__ = "0.1.0"
