"""The rows an audit keeps for slicing: per-row outcomes, or a reference to its table.

An audit holds counts of its sensitive columns only; slicing by other features needs
the rows. ``Audit(...)`` keeps each row's label, prediction (at the audit threshold) and
sensitive groups (:class:`ArrayRows`: a few bytes a row); ``Audit.from_frame`` keeps a
reference to the table and how it read it (:class:`FrameRows`), and reads the table
again where it lives when asked for slices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.groups import Attribute, MissingPolicy
from fairness_widgets.compute.inputs import prepare_inputs


@dataclass(frozen=True)
class FrameRoles:
    """The columns of an audited table and how ``Audit.from_frame`` read them."""

    y_true: str
    y_pred: str | None
    y_score: str | None
    threshold: float
    pos_label: Any
    sensitive: tuple[str, ...]
    missing: MissingPolicy


@dataclass(frozen=True)
class ArrayRows:
    """Each row's label and prediction (0/1) and sensitive groups, kept by ``Audit(...)``."""

    y_true: NDArray[np.int8]
    y_pred: NDArray[np.int8]
    attributes: tuple[Attribute, ...]

    @property
    def n_rows(self) -> int:
        return len(self.y_true)


@dataclass(frozen=True)
class FrameRows:
    """The audited table (a reference, not a copy) and how ``Audit.from_frame`` read it."""

    data: Any
    roles: FrameRoles

    def array_rows(self, frame: pd.DataFrame) -> ArrayRows:
        """Labels, predictions and groups of an in-memory table, checked as the audit did."""
        roles = self.roles
        inputs = prepare_inputs(
            frame[roles.y_true],
            y_pred=None if roles.y_pred is None else frame[roles.y_pred],
            y_score=None if roles.y_score is None else frame[roles.y_score],
            sensitive=frame[list(roles.sensitive)],
            threshold=roles.threshold,
            pos_label=roles.pos_label,
            missing=roles.missing,
        )
        return ArrayRows(inputs.y_true, inputs.y_pred, inputs.attributes)


RowSource = ArrayRows | FrameRows
