"""The Audit: one pass over the rows, then every group metric, disparity and interval."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from fairness_widgets.compute.binned_points_kernel import GroupHistogram
from fairness_widgets.compute.bootstrap import DEFAULT_BOOTSTRAP
from fairness_widgets.compute.by_group import MIN_GROUP_SIZE, group_table
from fairness_widgets.compute.cells import DEFAULT_RESOLUTION, Cells
from fairness_widgets.compute.cells_from_arrays import cells_from_inputs
from fairness_widgets.compute.disparities import disparity_table
from fairness_widgets.compute.groups import Attribute, MissingPolicy
from fairness_widgets.compute.inputs import prepare_inputs
from fairness_widgets.compute.metrics import COUNT_METRICS, METRICS, check_metric
from fairness_widgets.compute.operating_points import view_histogram
from fairness_widgets.compute.score_metrics import CALIBRATION_BINS, calibration_table
from fairness_widgets.compute.slice_features import DEFAULT_BINS
from fairness_widgets.compute.slice_rows import ArrayRows, FrameRoles, FrameRows, RowSource
from fairness_widgets.compute.tradeoff import Tradeoff, tradeoff
from fairness_widgets.compute.views import all_views, find_view

if TYPE_CHECKING:
    from fairness_widgets.compute.mitigation_progress import ProgressCallback
    from fairness_widgets.compute.slice_statistics import FdrMethod, Worse
    from fairness_widgets.compute.slices import Slices

#: Metrics of ``by_group()`` when none are named.
DEFAULT_METRICS = (
    "count",
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "accuracy",
    "precision",
)


class Audit:
    """Group and intersectional fairness metrics of a binary classifier.

    Build it from arrays (this constructor) or from a table's columns
    (:meth:`from_frame`, which accepts pandas, polars, pyarrow, DuckDB, Dask and Spark).
    The rows are read once into per-group counts (:class:`~fairness_widgets.compute.cells.Cells`);
    every table below, at any threshold, is computed from those counts.

    Parameters
    ----------
    y_true : array-like
        True labels, 0/1 (or two values with ``pos_label``).
    y_pred, y_score : array-like
        Hard predictions, or probabilities in [0, 1]; pass exactly one.
    sensitive : Series, DataFrame, dict or array
        One or more sensitive columns. Groups are each column alone and every
        intersection of columns.
    threshold : float, default 0.5
        Decision threshold for ``y_score`` (predicted positive where ``>=``).
    pos_label : optional
        The positive label when labels are not 0/1.
    missing : {"error", "group"}, default "error"
        Missing sensitive values raise, or form a group named ``"(missing)"``.
    resolution : float or None, default 1e-4
        Score bin width: other thresholds, AUC and calibration are exact up to it (the
        audit threshold is always exact). None keeps every distinct score (exact, costs
        one sort of the scores).
    min_group_size : int, default 30
        Metrics measured on fewer people are flagged ``small`` (never dropped).

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> df = fw.datasets.load_adult("test")
    >>> audit = fw.Audit(df["label"], y_pred=df["education_num"] >= 13, sensitive=df[["sex", "race"]])
    >>> audit
    Audit(16,281 rows; sensitive: sex (2 groups), race (5 groups); 3 views, 17 groups; hard predictions)
    >>> table = audit.by_group(["selection_rate"], attributes=["sex"])
    >>> table[["group", "value", "n"]].round(3)
        group  value      n
    0  Female  0.228   5421
    1    Male  0.259  10860
    """

    #: The rows kept for :meth:`slices` (None for an audit of counts only).
    _rows: RowSource | None
    #: Each view's per-group histogram as operating points, kept from its first trade-off
    #: for the next (None: the view's points are not built from a histogram).
    _histograms: dict[str, GroupHistogram | None]

    def __init__(
        self,
        y_true: Any,
        *,
        y_pred: Any = None,
        y_score: Any = None,
        sensitive: Any,
        threshold: float = 0.5,
        pos_label: Any = None,
        missing: MissingPolicy = "error",
        resolution: float | None = DEFAULT_RESOLUTION,
        min_group_size: int = MIN_GROUP_SIZE,
    ) -> None:
        check_resolution(resolution)
        inputs = prepare_inputs(
            y_true,
            y_pred=y_pred,
            y_score=y_score,
            sensitive=sensitive,
            threshold=threshold,
            pos_label=pos_label,
            missing=missing,
        )
        self._init(cells_from_inputs(inputs, resolution), min_group_size)
        # For slicing by other features later: 2 bytes a row, plus the group codes.
        self._rows = ArrayRows(inputs.y_true, inputs.y_pred, inputs.attributes)

    def _init(self, cells: Cells, min_group_size: int) -> None:
        if isinstance(min_group_size, bool) or not isinstance(min_group_size, int) or min_group_size < 1:
            raise ValueError(f"min_group_size must be a positive integer, got {min_group_size!r}.")
        self.cells = cells
        self.min_group_size = min_group_size
        self._rows = None
        self._histograms = {}

    @classmethod
    def from_cells(cls, cells: Cells, *, min_group_size: int = MIN_GROUP_SIZE) -> Audit:
        """An audit of counts computed elsewhere (an engine, a saved file)."""
        audit = cls.__new__(cls)
        audit._init(cells, min_group_size)
        return audit

    @classmethod
    def from_frame(
        cls,
        data: Any,
        *,
        y_true: str,
        y_pred: str | None = None,
        y_score: str | None = None,
        sensitive: Sequence[str],
        threshold: float = 0.5,
        pos_label: Any = None,
        missing: MissingPolicy = "error",
        resolution: float | None = DEFAULT_RESOLUTION,
        min_group_size: int = MIN_GROUP_SIZE,
    ) -> Audit:
        """Audit columns of a table: pandas, polars, pyarrow, DuckDB, Dask or PySpark.

        The rows are aggregated where they live (one group-by through narwhals, or
        numpy for in-memory pandas); only the small count table reaches Python.

        Examples
        --------
        >>> import fairness_widgets as fw
        >>> df = fw.datasets.load_german()
        >>> df["approved"] = (df["credit_amount"] < 4000).astype(int)
        >>> fw.Audit.from_frame(df, y_true="label", y_pred="approved", sensitive=["sex"]).cells.n_rows
        1000
        """
        from fairness_widgets.compute.engines import cells_from_frame  # noqa: PLC0415 (narwhals on demand)

        check_resolution(resolution)
        cells = cells_from_frame(
            data,
            y_true=y_true,
            y_pred=y_pred,
            y_score=y_score,
            sensitive=list(sensitive) if not isinstance(sensitive, str) else [sensitive],
            threshold=threshold,
            pos_label=pos_label,
            missing=missing,
            resolution=resolution,
        )
        audit = cls.from_cells(cells, min_group_size=min_group_size)
        # A reference to the table (no copy), read again where it lives to find slices.
        roles = FrameRoles(
            y_true=y_true,
            y_pred=y_pred,
            y_score=y_score,
            threshold=float(threshold),
            pos_label=pos_label,
            sensitive=tuple(audit.cells.names),
            missing=missing,
        )
        audit._rows = FrameRows(data, roles)
        return audit

    @cached_property
    def views(self) -> list[Attribute]:
        """Each sensitive column alone, then every intersection of them."""
        return all_views(self.cells)

    def _views(self, attributes: Sequence[str] | str | None) -> list[Attribute]:
        if attributes is None:
            return self.views
        if isinstance(attributes, str):
            attributes = [attributes]
        if not attributes:
            raise ValueError("attributes is empty; name at least one, or leave it out for all of them.")
        return [find_view(self.views, name) for name in attributes]

    @property
    def metrics(self) -> tuple[str, ...]:
        """Metrics this audit can compute (score metrics need ``y_score``)."""
        return tuple(METRICS) if self.cells.has_scores else COUNT_METRICS

    def _check_metrics(self, metrics: Sequence[str] | str | None) -> list[str]:
        if metrics is None:
            return [m for m in DEFAULT_METRICS if m in self.metrics]
        if isinstance(metrics, str):
            metrics = [metrics]
        if not metrics:
            raise ValueError("metrics is empty; name at least one, or leave it out for the default set.")
        for key in metrics:
            check_metric(key)
            if key not in self.metrics:
                raise ValueError(
                    f"Metric {key!r} needs scores, and this audit was given hard predictions. "
                    "Build the audit with y_score= to compute it."
                )
        return list(metrics)

    def by_group(
        self,
        metrics: Sequence[str] | str | None = None,
        *,
        attributes: Sequence[str] | str | None = None,
        threshold: float | None = None,
        confidence: float = 0.95,
        n_boot: int = DEFAULT_BOOTSTRAP,
        seed: int | None = 0,
    ) -> pd.DataFrame:
        """Each metric for each group, with a confidence interval.

        Parameters
        ----------
        metrics : list of str, optional
            Keys of :data:`~fairness_widgets.compute.metrics.METRICS` (default: count,
            selection rate, true and false positive rates, accuracy, precision).
        attributes : list of str, optional
            Views to include, e.g. ``["sex", "sex × race"]`` (default: all).
        threshold : float, optional
            Evaluate at another threshold than the audit's, without reading rows again.
        confidence : float, default 0.95
            Level of the intervals: Wilson for rates, percentile bootstrap of the counts
            (``n_boot`` replicates, ``seed``) for F1 and balanced accuracy; none for
            counts, AUC and calibration error.

        Returns
        -------
        pandas.DataFrame
            One row per (attribute, group, metric): ``value``, ``ci_low``, ``ci_high``,
            ``n`` (people the metric is measured on), ``group_size``, ``small``
            (``n < min_group_size``). Undefined values (no one to measure) are NaN.
        """
        return group_table(
            self.cells,
            self._views(attributes),
            [METRICS[key] for key in self._check_metrics(metrics)],
            threshold=threshold,
            min_group_size=self.min_group_size,
            confidence=confidence,
            n_boot=n_boot,
            seed=seed,
        )

    def overall(
        self, metrics: Sequence[str] | str | None = None, *, threshold: float | None = None
    ) -> pd.Series:
        """Each metric over all rows together."""
        everyone = Attribute("overall", ("all",), self.views[0].codes * 0)
        table = group_table(
            self.cells,
            [everyone],
            [METRICS[key] for key in self._check_metrics(metrics)],
            threshold=threshold,
            min_group_size=self.min_group_size,
        )
        return table.set_index("metric")["value"]

    def disparities(
        self,
        *,
        attributes: Sequence[str] | str | None = None,
        reference: Mapping[str, str] | None = None,
        threshold: float | None = None,
        confidence: float = 0.95,
        n_boot: int = DEFAULT_BOOTSTRAP,
        seed: int | None = 0,
    ) -> pd.DataFrame:
        """Disparity measures per attribute, with bootstrap intervals and p-values.

        Between groups (fairlearn's definitions): demographic parity, equal opportunity,
        predictive parity and accuracy differences and ratios, equalized odds difference
        and ratio, between-group generalized entropy. Against a reference group (aif360's
        definitions, the others pooled): statistical parity difference, disparate impact
        ratio, equal opportunity difference, average odds difference. The four-fifths rule
        is flagged. For the finest intersection, the largest gap between subgroups that are
        large enough; for all rows, the generalized entropy and Theil indexes.

        Parameters
        ----------
        reference : dict, optional
            Reference ("privileged") group per sensitive column, e.g.
            ``{"sex": "Male", "race": "White"}``; intersections use the crossed reference.
            Default: the largest group of each view.
        confidence, n_boot, seed
            Percentile bootstrap of the per-group counts: seeded and reproducible.

        Returns
        -------
        pandas.DataFrame
            ``attribute, measure, versus, value, ci_low, ci_high, p_value, lowest_group,
            highest_group, flag, definition``. ``p_value`` tests "no difference" (chi-square
            across groups; Bonferroni where two rates are combined).
        """
        unknown = sorted(set(reference or {}) - set(self.cells.names))
        if unknown:
            raise ValueError(
                f"reference names {unknown}, which are not sensitive columns of this audit "
                f"({list(self.cells.names)})."
            )
        return disparity_table(
            self.cells,
            self._views(attributes),
            threshold=threshold,
            reference=reference,
            min_group_size=self.min_group_size,
            confidence=confidence,
            n_boot=n_boot,
            seed=seed,
        )

    def tradeoff(
        self,
        constraint: str,
        objective: str = "accuracy",
        *,
        attribute: str | None = None,
        epsilons: Sequence[float] | None = None,
        fp_cost: float = 1.0,
        fn_cost: float = 1.0,
    ) -> Tradeoff:
        """The best per-group thresholds for each allowed disparity, from the counts.

        Parameters
        ----------
        constraint : {"demographic_parity", "equal_opportunity", "equalized_odds", "predictive_parity"}
            The rate to equalise (selection rate; true positive rate; true and false
            positive rates; precision).
        objective : {"accuracy", "balanced_accuracy", "cost"}
            What to maximise; ``"cost"`` is minus the mean cost of ``fp_cost`` per false
            positive and ``fn_cost`` per false negative.
        attribute : str, optional
            The groups (default: the first sensitive column; intersections work too).
        epsilons : list of float, optional
            Allowed disparities (default: 21 steps from 0 to the unconstrained optimum's).

        Returns
        -------
        Tradeoff
            Deterministic per-group thresholds for every constraint but equalized odds;
            randomised thresholds (two thresholds mixed with a stated probability, as in
            Hardt, Price & Srebro 2016) for demographic parity, equal opportunity and
            equalized odds; plus a single threshold for everyone and each group's own best.

        Notes
        -----
        With binned scores a view's first trade-off builds its per-group histogram (counts
        per group and score bin, read as each group's operating points) and the audit keeps
        it: later trade-offs of the view, under any constraint, objective or costs (as the
        explorer asks when they change), start from it, with what depends on the counts
        alone: each group's ROC hull (its few corners) and, after a predictive-parity
        trade-off, the points' order by precision. It takes at most 32 bytes per group and
        bin (1,000,000 rows in 40 groups at 1e-4: 9 MB). Exact scores keep nothing: their
        points are as many as the distinct scores.
        """
        view = self._views(attribute if attribute is not None else self.views[0].name)[0]
        if view.name not in self._histograms:  # (kept: a view's histogram is groups x bins at most)
            self._histograms[view.name] = view_histogram(view, self.cells)
        return tradeoff(
            self.cells,
            view,
            constraint,
            objective,
            epsilons=epsilons,
            fp_cost=fp_cost,
            fn_cost=fn_cost,
            histogram=self._histograms[view.name],
        )

    def slices(
        self,
        features: Any = None,
        *,
        metric: str = "accuracy",
        worse: Worse | None = None,
        max_order: int = 3,
        min_support: int | float | None = None,
        fdr: float = 0.05,
        fdr_method: FdrMethod = "bh",
        min_effect: float = 0.0,
        n_bins: int = DEFAULT_BINS,
        missing: MissingPolicy = "error",
        include_sensitive: bool = True,
        confidence: float = 0.95,
        progress: bool | ProgressCallback = False,
    ) -> Slices:
        """The slices (crosses of feature values) where the metric is worst, tested honestly.

        Slices are conjunctions of up to ``max_order`` predicates over the sensitive
        columns and ``features``: a categorical feature by level (``sex = Female``), a
        numeric one by quantile bin (``age ∈ [28, 37)``). Each slice with at least
        ``min_support`` people is compared with everyone else: effect size with a
        Newcombe interval, an exact (Fisher) p-value, and a q-value that controls the
        false discovery rate over every slice the search could have reported. The
        lattice is pruned by support and by the best p-value and effect a sub-slice could
        still reach (as SliceLine / SliceFinder), and each level is counted with one
        group-by where the rows live (numpy, or the table's engine).

        Parameters
        ----------
        features : list of str, or a table, optional
            Columns to slice by besides the sensitive ones: names of columns of the
            audited table (``from_frame``; on any engine), or a table with the same rows
            in the same order (pandas, polars, pyarrow; for an audit from arrays). None:
            the sensitive columns only.
        metric : str, default "accuracy"
            A rate of :data:`~fairness_widgets.compute.metrics.METRICS` (selection rate,
            true / false positive rate, precision, ...), at the audit threshold.
        worse : {"lower", "higher", "either"}, optional
            Which side of the metric harms a slice. Default: the metric's (lower accuracy,
            selection rate, true positive rate, precision; higher false positive or
            negative rate); ``"either"`` ranks by the absolute difference, two-sided.
        max_order : int, default 3
            Most features a slice fixes.
        min_support : int or float, optional
            Fewest people a slice's metric is measured on (rows, for accuracy and the
            selection rate; actual positives for the true positive rate), or a fraction of
            them. Default: the audit's ``min_group_size`` (30).
        fdr : float, default 0.05
            False discovery rate: ``significant`` is ``q_value <= fdr``.
        fdr_method : {"bh", "by"}, default "bh"
            Benjamini-Hochberg, or Benjamini-Yekutieli (valid under any dependence
            between slices, more conservative).
        min_effect : float, default 0
            Sub-slices are searched only where they could be at least this much worse.
        n_bins : int, default 4
            Quantile bins of a numeric feature with more distinct values than this.
        missing : {"error", "group"}, default "error"
            Missing feature values raise, or form a level ``"(missing)"``. Sensitive
            columns keep the audit's choice.
        include_sensitive : bool, default True
            Slice by the sensitive columns as well as ``features``.
        confidence : float, default 0.95
            Level of the effect intervals (per slice; not adjusted for the search).
        progress : bool or callable, default False
            A text bar on stderr, or ``callback(done, total, label)`` per lattice level.

        Returns
        -------
        Slices
            ``.table`` (every slice tested, ranked), ``.significant`` (the flagged ones
            that no flagged parent explains), ``.drill_down(slice)`` (every metric of a
            slice against the rest), ``.cross(feature, feature)`` (a heat map's grid).

        Examples
        --------
        >>> import fairness_widgets as fw
        >>> df = fw.datasets.load_adult("test")
        >>> df["pred"] = (df["education_num"] >= 13).astype(int)
        >>> audit = fw.Audit.from_frame(df, y_true="label", y_pred="pred", sensitive=["sex"])
        >>> found = audit.slices(["age", "relationship"], max_order=2)
        >>> found.significant.loc[0, "slice"]
        'age ∈ [38, 49) ∧ relationship = Husband'
        >>> found.significant.loc[0, ["value", "rest_value", "q_value"]].astype(float).round(3).tolist()
        [0.645, 0.766, 0.0]
        >>> table = found.drill_down("relationship = Husband").set_index("metric")
        >>> table.loc["accuracy", ["value", "rest_value", "difference"]].astype(float).round(3).tolist()
        [0.679, 0.798, -0.12]
        """
        from fairness_widgets.compute.slice_search import find_slices  # noqa: PLC0415 (narwhals on demand)

        return find_slices(
            self._rows,
            features,
            metric=metric,
            worse=worse,
            max_order=max_order,
            min_support=self.min_group_size if min_support is None else min_support,
            fdr=fdr,
            fdr_method=fdr_method,
            min_effect=min_effect,
            n_bins=n_bins,
            missing=missing,
            include_sensitive=include_sensitive,
            confidence=confidence,
            progress=progress,
        )

    def calibration(
        self, attributes: Sequence[str] | str | None = None, *, n_bins: int = CALIBRATION_BINS
    ) -> pd.DataFrame:
        """Reliability table per group: mean score and observed rate in each score bin."""
        return pd.concat(
            [calibration_table(view, self.cells, n_bins) for view in self._views(attributes)],
            ignore_index=True,
        )

    def __repr__(self) -> str:
        cells = self.cells
        columns = ", ".join(
            f"{name} ({len(levels)} groups)" for name, levels in zip(cells.names, cells.levels, strict=True)
        )
        if cells.score is None:
            scores = "hard predictions"
        elif cells.resolution is None:
            scores = f"scores exact, threshold {cells.threshold:g}"
        else:
            scores = f"scores binned at {cells.resolution:g}, threshold {cells.threshold:g}"
        groups = sum(view.n_groups for view in self.views)
        views = f"{len(self.views)} views, {groups} groups"
        return f"Audit({cells.n_rows:,} rows; sensitive: {columns}; {views}; {scores})"


def check_resolution(resolution: float | None) -> None:
    """Refuse a score resolution that is not None or a number in (0, 0.5]."""
    if resolution is None:
        return
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float)) or not 0 < resolution <= 0.5:
        raise ValueError(
            "resolution must be None (exact scores) or a bin width in (0, 0.5], e.g. 1e-4; "
            f"got {resolution!r}."
        )
