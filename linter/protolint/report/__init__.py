"""Formatters: a Run in, text out.  They format; they never decide."""
