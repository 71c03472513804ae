"""``python -m energy`` runs the ``port-energy`` command."""

import sys

from energy.cli import main

sys.exit(main())
