"""protolint: quality control for the Markdown protocols that steer AI coding agents."""

__version__ = "0.1.0"
