"""Ways of splitting the cells into groups: each sensitive column alone, and crosses."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.groups import CROSS, Attribute, intersect


def column_view(cells: Cells, column: int) -> Attribute:
    """Groups of one sensitive column, as codes per cell."""
    return Attribute(name=cells.names[column], levels=cells.levels[column], codes=cells.codes[:, column])


def all_views(cells: Cells, max_order: int | None = None) -> list[Attribute]:
    """Each sensitive column alone, then every intersection of 2 .. ``max_order`` columns.

    With columns (sex, race, age) and no ``max_order``: sex, race, age, sex × race,
    sex × age, race × age, sex × race × age. Only combinations that occur are groups.
    """
    singles = [column_view(cells, column) for column in range(len(cells.names))]
    highest = len(singles) if max_order is None else min(max_order, len(singles))
    views = list(singles)
    for order in range(2, highest + 1):
        views.extend(intersect(list(group)) for group in combinations(singles, order))
    return views


def find_view(views: list[Attribute], name: str) -> Attribute:
    """The view called ``name`` (``"sex × race"`` for a cross), or a clear error."""
    for view in views:
        if view.name == name:
            return view
    wanted = set(name.split(CROSS))
    for view in views:
        if set(view.name.split(CROSS)) == wanted:
            return view
    names = ", ".join(repr(view.name) for view in views)
    raise ValueError(f"Unknown sensitive attribute {name!r}; choose one of {names}.")


def confusion(view: Attribute, cells: Cells, threshold: float | None = None) -> np.ndarray:
    """(tn, fp, fn, tp) per group of ``view`` at ``threshold`` (the audit's by default)."""
    y_pred = cells.predictions_at(threshold)
    cell = 2 * cells.y_true.astype(np.intp) + y_pred
    flat = np.bincount(view.codes * 4 + cell, weights=cells.count, minlength=4 * view.n_groups)
    return np.rint(flat).astype(np.int64).reshape(view.n_groups, 4)
