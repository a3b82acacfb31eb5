"""Start the portal (``cchc-xlsx serve``) and print its links (``cchc-xlsx links``)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..messages import text
from . import texts  # noqa: F401
from .service import MAX_UPLOAD, Portal

__all__ = ["serve", "open_portal", "agency_links", "DEFAULT_DATA", "DEFAULT_BASE_URL"]

DEFAULT_DATA = Path("cchc-portal")
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def open_portal(data_dir: Path, plan_path: Path | None = None, db_url: str | None = None, *,
                deadline: dt.date | None = None, workers: int | None = None, max_upload: int = MAX_UPLOAD,
                admin_password: str | None = None, start_worker: bool = True,
                agencies: Path | None = None) -> tuple[Portal, str | None]:
    """The portal of ``data_dir``, set up on its first start: the administrator (``admin_password``,
    else CCHC_ADMIN_PASSWORD, else generated: the second value, to print once) and, when there is
    none, a round for ``plan_path`` (default: the bundled plan). Raises PortalError for a plan that
    cannot be read."""
    from ..pipeline import bundled_plan_path

    plan_path = Path(plan_path) if plan_path else bundled_plan_path()
    portal = Portal(data_dir, plan_path, db_url, workers=workers, max_upload=max_upload, start_worker=start_worker,
                    agencies=agencies)
    generated = None
    given = admin_password or os.environ.get("CCHC_ADMIN_PASSWORD")
    made = portal.ensure_admin(given)
    if made is not None and not given:
        generated = made
    if portal.current_round() is None:
        try:
            portal.create_round(deadline, in_process=True)     # no server thread yet: it may fork
        except BaseException:
            portal.close()
            raise
    return portal, generated


def serve(data_dir: Path, plan_path: Path | None = None, db_url: str | None = None, *, host: str = "127.0.0.1",
          port: int = 8000, deadline: dt.date | None = None, workers: int | None = None,
          max_upload: int = MAX_UPLOAD, lang: str = "vi", agencies: Path | None = None) -> None:
    """Run the portal until interrupted (uvicorn, one process; checks in a pool of ``workers``)."""
    import uvicorn

    from .app import create_app

    _check_port(host, port, lang)          # also: no other server of ours runs here on this port
    portal, generated = open_portal(data_dir, plan_path, db_url, deadline=deadline, workers=workers, max_upload=max_upload,
                                    agencies=agencies)
    portal.store.clean_incoming()
    if generated:
        print(text("portal.cli.password", lang, password=generated), flush=True)
    print(text("portal.cli.listening", lang, host=host, port=port, data=data_dir), flush=True)
    base = f"http://{host}:{port}"
    uvicorn.run(create_app(portal, base_url=base), host=host, port=port, log_level="warning",
                proxy_headers=False, server_header=False)


def _check_port(host: str, port: int, lang: str) -> None:
    """Raise PortalError when the address cannot be listened on (a port in use), before anything starts."""
    import socket

    from .service import PortalError

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise PortalError(text("portal.cli.port_busy", "vi", host=host, port=port, reason=error.strerror or error),
                          text("portal.cli.port_busy", "en", host=host, port=port, reason=error.strerror or error)) from None


def agency_links(data_dir: Path, base_url: str = DEFAULT_BASE_URL, db_url: str | None = None) -> dict[str, str]:
    """``{agency name: personal link}`` for the current round of the portal in ``data_dir``
    (empty when it has none). Raises PortalError when ``data_dir`` holds no portal."""
    from .service import PortalError

    if not (Path(data_dir) / "secret.key").exists():
        raise PortalError(text("portal.cli.noround", "vi", data=data_dir), text("portal.cli.noround", "en", data=data_dir))
    portal = Portal(data_dir, None, db_url, start_worker=False)
    try:
        return portal.links(base_url)
    finally:
        portal.close()
