"""selfeval-xl: generate, check, summarize and collect 部门整体支出绩效自评 workbooks."""

__version__ = "0.1.0"


def load(paths, **kwargs):  # noqa: ANN001, ANN201 - thin re-export, documented in api.load
    """Read and check workbooks, return a Collection of DataFrames (see selfeval_xl.api.load)."""
    from selfeval_xl.api import load as _load

    return _load(paths, **kwargs)
