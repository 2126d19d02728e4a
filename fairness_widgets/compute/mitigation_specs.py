"""What to run: one frozen dataclass per mitigation method, checked when it is made.

A spec holds only the parameters that matter for a comparison; the runner
(:func:`~fairness_widgets.compute.mitigation_runs.run_mitigations`) fits the method
from fairlearn or aif360 with them. Constraints use the names of
:meth:`~fairness_widgets.Audit.tradeoff`; each spec translates them to its library's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

#: Constraints fairlearn's mitigations can enforce, with the short names used in labels.
FAIRLEARN_CONSTRAINTS = {"demographic_parity": "DP", "equal_opportunity": "EOpp", "equalized_odds": "EOdds"}
#: ThresholdOptimizer's name for each constraint.
THRESHOLD_OPTIMIZER_CONSTRAINTS = {
    "demographic_parity": "demographic_parity",
    "equal_opportunity": "true_positive_rate_parity",
    "equalized_odds": "equalized_odds",
}
#: fairlearn.reductions' moment for each constraint.
REDUCTION_MOMENTS = {
    "demographic_parity": "DemographicParity",
    "equal_opportunity": "TruePositiveRateParity",
    "equalized_odds": "EqualizedOdds",
}
#: aif360's RejectOptionClassification metric names, with the short names used in labels.
REJECT_OPTION_METRICS = {
    "statistical_parity": ("Statistical parity difference", "SPD"),
    "average_odds": ("Average odds difference", "AOD"),
    "equal_opportunity": ("Equal opportunity difference", "EOD"),
}
_NO_PREDICTIVE_PARITY = (
    " fairlearn has no mitigation for predictive parity; Audit.tradeoff('predictive_parity') "
    "finds per-group thresholds for it."
)


def _check_choice(method: str, name: str, value: object, choices: tuple[str, ...], hint: str = "") -> None:
    if value not in choices:
        accepted = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{method}: {name} must be one of {accepted}; got {value!r}.{hint}")


def _check_number(method: str, name: str, value: object, low: float, high: float) -> None:
    """Refuse anything but a number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{method}: {name} must be a number in [{low:g}, {high:g}]; got {value!r}.")


def _check_count(method: str, name: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{method}: {name} must be a whole number >= {low}; got {value!r}.")


def _check_constraint(method: str, constraint: object) -> None:
    hint = _NO_PREDICTIVE_PARITY if constraint == "predictive_parity" else ""
    _check_choice(method, "constraint", constraint, tuple(FAIRLEARN_CONSTRAINTS), hint)


@dataclass(frozen=True, kw_only=True)
class MitigationSpec:
    """Shared by every method: an optional display name.

    Attributes
    ----------
    name : str, optional
        Label of the method's point(s) in results and charts (default: built from the
        method and its main parameter, e.g. "ThresholdOptimizer (DP)").
    """

    #: Name of the method in results (the class name of the library's algorithm).
    method: ClassVar[str] = ""
    #: Library that runs it.
    library: ClassVar[str] = ""
    #: Needs ``predict_proba`` scores of the estimator.
    needs_scores: ClassVar[bool] = False
    #: Refits the estimator with sample weights.
    needs_sample_weight: ClassVar[bool] = False

    name: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None and (not isinstance(self.name, str) or not self.name.strip()):
            raise ValueError(f"{self.method}: name must be a non-empty string or None; got {self.name!r}.")

    @property
    def label(self) -> str:
        """Short, human label of the method's point (or curve)."""
        return self.name or self.default_label()

    def default_label(self) -> str:
        return self.method

    @property
    def params(self) -> str:
        """The parameters that matter, as one readable string."""
        return ""

    @property
    def steps(self) -> int:
        """Fits the method takes, as counted by the progress bar."""
        return 1


@dataclass(frozen=True, kw_only=True)
class Baseline(MitigationSpec):
    """The estimator unchanged, fitted on all training rows: the point mitigations move from."""

    method: ClassVar[str] = "Baseline"
    library: ClassVar[str] = "scikit-learn"

    @property
    def params(self) -> str:
        return "fit on all training rows, predict()"


@dataclass(frozen=True, kw_only=True)
class ThresholdOptimizer(MitigationSpec):
    """fairlearn's ``ThresholdOptimizer``: per-group (randomised) thresholds on the scores.

    As fairlearn's default (``prefit=False``), the estimator and the thresholds are both
    fitted on all training rows (the estimator fit is the one Baseline uses). Its point
    is the expectation over its coin flips.

    Parameters
    ----------
    constraint : {"demographic_parity", "equal_opportunity", "equalized_odds"}
    objective : {"accuracy", "balanced_accuracy"}
    grid_size : int, default 1000
    tol : float, optional
        Allowed disparity (fairlearn's relaxed constraint; not for equalized odds).

    Examples
    --------
    >>> ThresholdOptimizer(constraint="equal_opportunity").label
    'ThresholdOptimizer (EOpp)'
    """

    method: ClassVar[str] = "ThresholdOptimizer"
    library: ClassVar[str] = "fairlearn"

    constraint: str = "demographic_parity"
    objective: str = "accuracy"
    grid_size: int = 1000
    tol: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_constraint(self.method, self.constraint)
        _check_choice(self.method, "objective", self.objective, ("accuracy", "balanced_accuracy"))
        _check_count(self.method, "grid_size", self.grid_size, 2)
        if self.tol is not None:
            _check_number(self.method, "tol", self.tol, 0.0, 1.0)
            if self.constraint == "equalized_odds":
                raise ValueError(f"{self.method}: tol is not supported with equalized_odds; use tol=None.")

    def default_label(self) -> str:
        tol = "" if self.tol is None else f", tol={self.tol:g}"
        return f"{self.method} ({FAIRLEARN_CONSTRAINTS[self.constraint]}{tol})"

    @property
    def params(self) -> str:
        tol = "" if self.tol is None else f", tol={self.tol:g}"
        return (
            f"constraints={THRESHOLD_OPTIMIZER_CONSTRAINTS[self.constraint]}, "
            f"objective={self.objective}_score, grid_size={self.grid_size}{tol}"
        )


@dataclass(frozen=True, kw_only=True)
class ExponentiatedGradient(MitigationSpec):
    """fairlearn's ``ExponentiatedGradient`` reduction: a randomised mix of refitted models.

    Parameters
    ----------
    constraint : {"demographic_parity", "equal_opportunity", "equalized_odds"}
    eps : float, default 0.01
        Allowed violation of the constraint.
    max_iter : int, default 50
    difference_bound : float, optional
        The constraint's bound (fairlearn's default, 0.01, when None).
    """

    method: ClassVar[str] = "ExponentiatedGradient"
    library: ClassVar[str] = "fairlearn"
    needs_sample_weight: ClassVar[bool] = True

    constraint: str = "demographic_parity"
    eps: float = 0.01
    max_iter: int = 50
    difference_bound: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_constraint(self.method, self.constraint)
        _check_number(self.method, "eps", self.eps, 0.0, 1.0)
        _check_count(self.method, "max_iter", self.max_iter, 1)
        if self.difference_bound is not None:
            _check_number(self.method, "difference_bound", self.difference_bound, 0.0, 1.0)

    def default_label(self) -> str:
        return f"{self.method} ({FAIRLEARN_CONSTRAINTS[self.constraint]}, eps={self.eps:g})"

    @property
    def params(self) -> str:
        bound = "" if self.difference_bound is None else f", difference_bound={self.difference_bound:g}"
        moment = f"{REDUCTION_MOMENTS[self.constraint]}()"
        return f"constraints={moment}{bound}, eps={self.eps:g}, max_iter={self.max_iter}"


@dataclass(frozen=True, kw_only=True)
class GridSearch(MitigationSpec):
    """fairlearn's ``GridSearch`` reduction: one refitted model per Lagrange multiplier.

    Every model of the grid is kept, so the method gives a curve of points (``curve``
    names it in results) rather than fairlearn's single selected model.

    Parameters
    ----------
    constraint : {"demographic_parity", "equal_opportunity", "equalized_odds"}
    grid_size : int, default 11
    grid_limit : float, default 2.0
        The largest multiplier.
    """

    method: ClassVar[str] = "GridSearch"
    library: ClassVar[str] = "fairlearn"
    needs_sample_weight: ClassVar[bool] = True

    constraint: str = "demographic_parity"
    grid_size: int = 11
    grid_limit: float = 2.0

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_constraint(self.method, self.constraint)
        _check_count(self.method, "grid_size", self.grid_size, 1)
        _check_number(self.method, "grid_limit", self.grid_limit, 0.0, 1e6)

    def default_label(self) -> str:
        return f"{self.method} ({FAIRLEARN_CONSTRAINTS[self.constraint]})"

    @property
    def params(self) -> str:
        return f"constraints={REDUCTION_MOMENTS[self.constraint]}(), grid_limit={self.grid_limit:g}"

    @property
    def steps(self) -> int:
        return self.grid_size


@dataclass(frozen=True, kw_only=True)
class Reweighing(MitigationSpec):
    """aif360's ``Reweighing``: weights per (group, label), then the estimator refitted with them.

    Uses ``aif360.sklearn.preprocessing.Reweighing``, which handles any number of groups.
    """

    method: ClassVar[str] = "Reweighing"
    library: ClassVar[str] = "aif360"
    needs_sample_weight: ClassVar[bool] = True

    @property
    def params(self) -> str:
        return "weights = P(group) P(label) / P(group, label), refit on all training rows"


@dataclass(frozen=True, kw_only=True)
class CalibratedEqOdds(MitigationSpec):
    """aif360's ``CalibratedEqOddsPostprocessing`` (Pleiss et al. 2017), fitted on the
    validation split of the training rows.

    It replaces the score of a share of one group's people by that group's base rate,
    at random; its point is the expectation over those draws.

    Parameters
    ----------
    cost_constraint : {"weighted", "fpr", "fnr"}
    threshold : float, default 0.5
        Scores at or above it are predicted positive.
    privileged : str, optional
        aif360 compares a privileged group with all the others; default: the group with
        the highest rate of positive labels in the training data.
    """

    method: ClassVar[str] = "CalibratedEqOdds"
    library: ClassVar[str] = "aif360"
    needs_scores: ClassVar[bool] = True

    cost_constraint: str = "weighted"
    threshold: float = 0.5
    privileged: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_choice(self.method, "cost_constraint", self.cost_constraint, ("weighted", "fpr", "fnr"))
        _check_number(self.method, "threshold", self.threshold, 0.0, 1.0)

    def default_label(self) -> str:
        return f"{self.method} ({self.cost_constraint})"

    @property
    def params(self) -> str:
        return f"cost_constraint={self.cost_constraint}, threshold={self.threshold:g}"


@dataclass(frozen=True, kw_only=True)
class RejectOption(MitigationSpec):
    """aif360's ``RejectOptionClassification``, fitted on the validation split.

    Near the decision threshold (within a margin) it predicts positive for the
    unprivileged and negative for the privileged group; threshold and margin are chosen
    on a grid (aif360's default grid of 100 x 50 takes ~10 s on 10,000 rows; the
    default here, 20 x 20, under 1 s).

    Parameters
    ----------
    metric : {"statistical_parity", "average_odds", "equal_opportunity"}
    bound : float, default 0.05
        The metric (unprivileged minus privileged) must lie in [-bound, bound].
    num_class_thresh, num_roc_margin : int, default 20
    low_class_thresh, high_class_thresh : float, default 0.01, 0.99
    privileged : str, optional
        As for :class:`CalibratedEqOdds`.
    """

    method: ClassVar[str] = "RejectOption"
    library: ClassVar[str] = "aif360"
    needs_scores: ClassVar[bool] = True

    metric: str = "statistical_parity"
    bound: float = 0.05
    num_class_thresh: int = 20
    num_roc_margin: int = 20
    low_class_thresh: float = 0.01
    high_class_thresh: float = 0.99
    privileged: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_choice(self.method, "metric", self.metric, tuple(REJECT_OPTION_METRICS))
        _check_number(self.method, "bound", self.bound, 0.0, 1.0)
        _check_count(self.method, "num_class_thresh", self.num_class_thresh, 1)
        _check_count(self.method, "num_roc_margin", self.num_roc_margin, 1)
        _check_number(self.method, "low_class_thresh", self.low_class_thresh, 0.0, 1.0)
        _check_number(self.method, "high_class_thresh", self.high_class_thresh, 0.0, 1.0)
        if self.low_class_thresh >= self.high_class_thresh:
            raise ValueError(
                f"{self.method}: low_class_thresh ({self.low_class_thresh:g}) must be below "
                f"high_class_thresh ({self.high_class_thresh:g})."
            )

    def default_label(self) -> str:
        return f"{self.method} ({REJECT_OPTION_METRICS[self.metric][1]})"

    @property
    def params(self) -> str:
        return (
            f"metric_name={REJECT_OPTION_METRICS[self.metric][0]}, bound=±{self.bound:g}, "
            f"grid={self.num_class_thresh}x{self.num_roc_margin} in "
            f"[{self.low_class_thresh:g}, {self.high_class_thresh:g}]"
        )


#: Every method once, with its defaults (demographic parity where there is a choice).
DEFAULT_METHODS: tuple[MitigationSpec, ...] = (
    Baseline(),
    ThresholdOptimizer(),
    ExponentiatedGradient(),
    GridSearch(),
    Reweighing(),
    CalibratedEqOdds(),
    RejectOption(),
)
