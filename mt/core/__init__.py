"""The ground floor: typed errors (:mod:`mt.core.errors`), the ``.mt.toml`` configuration
(:mod:`mt.core.config`) and what to tell a person to install (:mod:`mt.core.install`: the
distribution's name, ``mt-press``, and the pip command of an extra).

Imports nothing of mt's and nothing outside the standard library; every other part may import it.
"""
