"""The intake portal (issue 15): agencies fetch templates and upload returns through personal links,
checked at once; the Sở keeps the register, consolidates and exports. Start it with ``cchc-xlsx serve``.

Import :func:`cchc_xlsx.portal.app.create_app` and :class:`cchc_xlsx.portal.service.Portal`; this
package imports nothing heavy itself, so the command line stays quick."""

__all__: list[str] = []
