"""The ground floor: typed errors (:mod:`mt.core.errors`) and the ``.mt.toml`` configuration
(:mod:`mt.core.config`).

Imports nothing of mt's and nothing outside the standard library; every other part may import it.
"""
