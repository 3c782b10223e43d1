"""Environment: what users see as self.environment (host, parsed_options, events, runner)."""
from locust.event import events as _events


class Environment:
    def __init__(self, user_classes=None, shape_class=None, events=None, host=None, parsed_options=None,
                 tags=None, exclude_tags=None, **kwargs):
        self.user_classes = user_classes or []
        self.shape_class = shape_class
        self.events = events or _events
        self.host = host
        self.parsed_options = parsed_options
        self.tags = tags
        self.exclude_tags = exclude_tags
        self.runner = None
        self.stats = None
        self.catch_exceptions = True
        self.reset_stats = False
        self.stop_timeout = None
        self.web_ui = None
        self.process_exit_code = None
        for k, v in kwargs.items():
            setattr(self, k, v)
