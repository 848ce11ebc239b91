"""``python bench/run.py [args]``: the same as ``python -m bench [args]``."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
