"""The cryptosuite registry: a suite is one module and one entry here."""

from __future__ import annotations

from ..errors import UnknownSuiteError
from .eddsa_jcs_2022 import EddsaJcs2022
from .eddsa_rdfc_2022 import EddsaRdfc2022
from .suite import Cryptosuite

_SUITES: dict[str, Cryptosuite] = {}


def register(suite: Cryptosuite) -> None:
    """Add a suite (replacing one of the same name)."""
    _SUITES[suite.name] = suite


def get_suite(name: str) -> Cryptosuite:
    """The suite registered under `name`."""
    try:
        return _SUITES[name]
    except (KeyError, TypeError):
        raise UnknownSuiteError(str(name), list(_SUITES)) from None


def suite_names() -> list[str]:
    """Names of every registered suite."""
    return sorted(_SUITES)


register(EddsaRdfc2022())
register(EddsaJcs2022())
