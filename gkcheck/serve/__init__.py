"""`gkcheck serve`: a self-check web page and a JSON API over the same checks as `gkcheck check`."""

from gkcheck.serve.app import create_app
from gkcheck.serve.settings import Settings

__all__ = ["Settings", "create_app"]
