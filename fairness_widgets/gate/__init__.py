"""The gate: a policy file of thresholds that passes or blocks a model.

In a notebook, ``fw.gate(policy, audit=..., card=...)`` returns a :class:`Verdict`; in CI,
``fairness-widgets gate --policy policy.toml --audit audit.json`` exits 0 (pass),
1 (fail) or 2 (error), with ``--json`` for the verdict as JSON.
"""

from fairness_widgets.gate.audit_file import load_audit, save_audit
from fairness_widgets.gate.checks import gate
from fairness_widgets.gate.policy import Policy, PolicyError
from fairness_widgets.gate.verdict import Verdict

__all__ = ["Policy", "PolicyError", "Verdict", "gate", "load_audit", "save_audit"]
