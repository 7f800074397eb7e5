"""Measurements: build timings (bench) and Lighthouse on the built site (audit)."""
