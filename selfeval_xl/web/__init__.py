"""The web intake: departments upload their workbook in a browser and see the findings at once;
the bureau sees who has filed and downloads summaries. Built on the ledger (collect, status)
and the checker, run in a process pool; Starlette + Jinja2, served by uvicorn.

    from selfeval_xl.web import WebConfig, create_app
"""

from selfeval_xl.web.app import SetupError, create_app
from selfeval_xl.web.config import WebConfig

__all__ = ["SetupError", "WebConfig", "create_app"]
