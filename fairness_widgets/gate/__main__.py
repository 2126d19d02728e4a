"""``python -m fairness_widgets.gate --policy policy.toml --audit audit.json``."""

import sys

from fairness_widgets.gate.cli import main

sys.exit(main(["gate", *sys.argv[1:]]))
