#!/usr/bin/env python3
"""Stand-in for the project script the rule examples name."""
