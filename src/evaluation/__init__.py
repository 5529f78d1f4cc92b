"""Open digital-maturity evaluation kit for Swedish municipalities.

Modules (one per concept): ``instruments``, ``responses``, ``scoring``,
``privacy``, ``reliability``, ``structure``, ``comprehension``, ``effects``,
``compare``, ``plots``, ``report``, ``simulate``, ``cli``.
"""

__version__ = "0.1.0"
