"""How a method's fit becomes its point: the progress step it starts, its wall time, its label.

Every method but GridSearch (one point per multiplier) makes one point; :func:`one_point`
turns its fit into a runner, so the fit itself only says what it predicts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.mitigation_inputs import MitigationInputs, SharedModels
from fairness_widgets.compute.mitigation_results import MethodPoint
from fairness_widgets.compute.mitigation_specs import MitigationSpec

#: Called with the label of each step as it starts (for progress).
StartStep = Callable[[str], None]
#: Fits one method (its spec first) and gives its point(s) on the test rows.
Runner = Callable[[Any, MitigationInputs, SharedModels, StartStep], list[MethodPoint]]

Spec = TypeVar("Spec", bound=MitigationSpec)


def hard_predictions(predicted: Any) -> NDArray[np.float64]:
    """0/1 predictions as positive probabilities."""
    return np.asarray(predicted, dtype=np.float64).ravel()


@dataclass(frozen=True)
class Fit:
    """What fitting a one-point method gives.

    Attributes
    ----------
    positive_probability : ndarray
        Each test row's probability of a positive prediction.
    chosen : str
        What the fit chose, appended to the spec's ``params`` (e.g. the privileged group).
    note : str
        What the library warned about, if anything.
    """

    positive_probability: NDArray[np.float64]
    chosen: str = ""
    note: str = ""


def one_point(
    fit: Callable[[Spec, MitigationInputs, SharedModels], Fit],
) -> Callable[[Spec, MitigationInputs, SharedModels, StartStep], list[MethodPoint]]:
    """The runner of a one-point method: start its step, time ``fit``, label its point.

    Examples
    --------
    >>> import numpy as np
    >>> from fairness_widgets.compute.mitigation_specs import Baseline
    >>> run = one_point(lambda spec, inputs, models: Fit(np.array([1.0, 0.0])))
    >>> [point.label for point in run(Baseline(), None, None, print)]
    Baseline
    ['Baseline']
    """

    @functools.wraps(fit)
    def run(
        spec: Spec, inputs: MitigationInputs, models: SharedModels, start: StartStep
    ) -> list[MethodPoint]:
        start(spec.label)
        began = perf_counter()
        done = fit(spec, inputs, models)
        params = f"{spec.params}, {done.chosen}" if done.chosen else spec.params
        seconds = perf_counter() - began
        return [
            MethodPoint(spec.label, spec.method, params, None, done.positive_probability, seconds, done.note)
        ]

    return run
