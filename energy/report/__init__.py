"""What a run writes, and reading it back; no Pyomo here.

:mod:`~energy.report.files` (atomic writers, staged folders),
:mod:`~energy.report.runfolder` (write AND read a run folder; rebuild its report),
:mod:`~energy.report.periods` (weeks drawn, monthly tables),
:mod:`~energy.report.tools` (small shared helpers),
:mod:`~energy.report.drawing` (the matplotlib kit), :mod:`~energy.report.figures`
(one figure each), :mod:`~energy.report.plots` (a run's and a comparison's pictures
and pages) and :mod:`~energy.report.html` (self-contained pages).
"""
