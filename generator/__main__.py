"""Entry point for ``python -m generator``."""

import sys

from generator.engine.cli import main

sys.exit(main())
