"""Real fairness datasets shipped inside the package, loaded without any network access.

| loader | rows | source | licence |
|---|---|---|---|
| :func:`load_adult` | 32,561 train / 16,281 test | UCI "Adult" (Becker & Kohavi, 1996) | CC BY 4.0 |
| :func:`load_german` | 1,000 | UCI "Statlog (German Credit Data)" (Hofmann) | CC BY 4.0 |
| :func:`load_fico` | 4 groups x 198 scores | US Federal Reserve report to Congress (2007) | public domain |
| :func:`load_fico_people` | the same, a row per person (174,047) | (as above) | public domain |

See ``datasets/data/LICENSES.md`` for the full attributions.
"""

from fairness_widgets.datasets.adult import load_adult
from fairness_widgets.datasets.fico import load_fico, load_fico_people
from fairness_widgets.datasets.german import load_german

__all__ = ["load_adult", "load_fico", "load_fico_people", "load_german"]
