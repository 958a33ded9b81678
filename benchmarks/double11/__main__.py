"""`python -m benchmarks.double11`: see `benchmarks/double11/run.py`."""

import sys

from benchmarks.double11.run import main

sys.exit(main())
