"""Compliance engine: rule packs, detectors, negation and call context -> findings."""
