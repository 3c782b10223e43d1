"""locust.web: cicada's web UI is native (C++), not Locust's Flask app, so there is no WebUI to extend.

environment.web_ui is None in every run (as in a headless Locust run), so a locustfile's
`if environment.web_ui: environment.web_ui.app.route(...)` skips its extra pages and loads."""


class WebUI:
    """Locust's Flask web UI; only here for imports and isinstance checks: cicada never creates one."""

    app = None

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("locust.web.WebUI: cicada's web UI is its own (C++), with no Flask app to add "
                                  "routes to; environment.web_ui is None (see docs/locustfiles.md)")
