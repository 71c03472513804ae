"""The optimisation: the only code that imports Pyomo or HiGHS.

In the order a run flows: :mod:`~energy.optimise.checks` (input checks, no Pyomo),
:mod:`~energy.optimise.layout` (plain-data map, one ``prepare_*`` per family),
:mod:`~energy.optimise.dispatch` (the Pyomo MILP, one ``add_*`` per family),
:mod:`~energy.optimise.solve` (HiGHS, mode-binary rounds),
:mod:`~energy.optimise.extract` (tables and KPIs out) and
:mod:`~energy.optimise.optimise` (build -> solve -> extract:
``from energy.optimise.optimise import optimise``).

Importing this package (or :mod:`~energy.optimise.checks`) loads no Pyomo.
"""
