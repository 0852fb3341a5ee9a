"""Detectors: find what happened in the records, as candidate timeline events."""
