"""gkcheck: checks government information-disclosure annual reports against the post-2019 templates."""

__version__ = "0.1.0"
