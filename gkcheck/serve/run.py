"""Running the application under uvicorn (the production ASGI server)."""

from __future__ import annotations

import uvicorn

from gkcheck.serve.app import create_app
from gkcheck.serve.settings import Settings


def serve(host: str, port: int, **options: object) -> None:
    """Serve until interrupted; no `Server` header, no access log (result addresses are secrets)."""
    app = create_app(Settings(**options))  # type: ignore[arg-type]
    print(f"gkcheck 自查网页：http://{host if ':' not in host else f'[{host}]'}:{port}/  （按 Ctrl+C 停止）",
          flush=True)
    uvicorn.run(app, host=host, port=port, server_header=False, access_log=False, log_level="warning")
