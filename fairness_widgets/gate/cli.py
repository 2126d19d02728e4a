"""The ``fairness-widgets`` command: ``fairness-widgets gate --policy ... --audit ...``.

Exit codes: 0 the model passes the policy, 1 it fails, 2 an error (a bad policy, a
missing file); the error goes to stderr with what to fix.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fairness_widgets.gate.audit_file import load_audit
from fairness_widgets.gate.checks import gate
from fairness_widgets.gate.policy import Policy
from fairness_widgets.gate.verdict import EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fairness-widgets", description="Fairness checks for CI.")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser(
        "gate",
        help="pass or block a model by a policy of thresholds",
        description="Judge an audit (and a model card) against a TOML policy. "
        "Exit code 0: passed; 1: failed; 2: error.",
    )
    command.add_argument("--policy", required=True, type=Path, help="TOML policy file")
    command.add_argument(
        "--audit", type=Path, help="audit counts written by fairness_widgets.gate.save_audit (.json or .npz)"
    )
    command.add_argument("--card", type=Path, help="model card file (for card_complete rules)")
    command.add_argument("--json", action="store_true", help="print the verdict as JSON on stdout")
    command.add_argument(
        "--record",
        action="store_true",
        help="write each check into the --card file's fairness criteria (before sign-off: it edits the card)",
    )
    return parser


def _load_card(path: Path) -> Any:
    # The card layer is optional for the gate: metric rules need no card.
    for module in ("fairness_widgets.card", "fairness_widgets.card.model_card"):
        try:
            model_card = getattr(importlib.import_module(module), "ModelCard", None)
        except ImportError:
            continue
        if callable(getattr(model_card, "load", None)):
            return model_card.load(path)  # type: ignore[union-attr]
    raise ValueError(
        "--card needs fairness_widgets.card.ModelCard.load, which this installation lacks; "
        "update fairness-widgets, or leave out --card and the card_complete rules."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 pass, 1 fail, 2 error)."""
    args = _parser().parse_args(argv)
    try:
        policy = Policy.read(args.policy)
        audit = load_audit(args.audit) if args.audit is not None else None
        if args.record and args.card is None:
            raise ValueError("--record writes the checks into a model card; name it with --card card.json.")
        card = _load_card(args.card) if args.card is not None else None
        verdict = gate(policy, audit=audit, card=card)
        if args.record and card is not None:
            verdict.record(card)
            card.save(args.card)
    except (ValueError, TypeError, OSError) as error:
        # PolicyError is a ValueError; file errors name the path in their message.
        print(f"fairness-widgets gate: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(verdict.to_json() if args.json else repr(verdict))
    return verdict.exit_code
