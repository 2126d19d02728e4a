"""Import the optional reference libraries (fairlearn, aif360, scikit-learn) on demand.

They live in the ``reference`` extra, so the package imports them only inside the
functions that need them, through :func:`import_reference`: quietly (aif360 logs a
warning on the root logger for every optional extra it cannot find: tensorflow, torch,
inFairness, rpy2..., and so installs a root handler), leaving the logging set-up as it
was, and with an error that says how to install them.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType

INSTALL_HINT = "pip install 'fairness-widgets[reference]'"


def import_reference(module: str) -> ModuleType:
    """Import ``module`` of fairlearn, aif360 or scikit-learn, silencing import-time warnings.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"fairlearn.postprocessing"``.

    Raises
    ------
    ImportError
        Naming the missing library and the extra that installs it.

    Examples
    --------
    >>> import_reference("sklearn.base").clone.__name__
    'clone'
    """
    previous = logging.root.manager.disable
    handlers = list(logging.root.handlers)
    logging.disable(logging.WARNING)
    try:
        return importlib.import_module(module)
    except ImportError as error:
        top = module.partition(".")[0]
        library = {"sklearn": "scikit-learn"}.get(top, top)
        raise ImportError(
            f"Mitigations need {library} ({module} could not be imported: {error}). Install the "
            f"reference libraries with: {INSTALL_HINT}"
        ) from error
    finally:
        logging.disable(previous)
        # logging.warning() on the root logger calls basicConfig() even while disabled:
        # without this, importing aif360 would reformat every later log line of the session.
        for handler in logging.root.handlers[:]:
            if handler not in handlers:
                logging.root.removeHandler(handler)
