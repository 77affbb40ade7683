"""Use cases: the only layer that mixes models with domain logic, and the only one that commits."""
