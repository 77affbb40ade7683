"""Deployment files, and the one-machine rehearsal of the production topology (stack.py)."""
