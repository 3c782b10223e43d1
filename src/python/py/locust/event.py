"""Locust's event hooks. Listeners run in the user's greenlet (request, user_error) or on cicada's
control thread (init, test_start, test_stop, quitting), as in Locust."""
import logging

from locust.exception import InterruptTaskSet, RescheduleTask, RescheduleTaskImmediately, StopUser


def note_unhandled_exception(what):
    """A listener (or the load shape's tick) raised: logged, and Locust's log.unhandled_greenlet_exception
    set, which makes an otherwise clean run exit 2."""
    from locust import log
    log.unhandled_greenlet_exception = True
    logging.exception(what)


class EventHook:
    def __init__(self):
        self._handlers = []

    def add_listener(self, handler):
        self._handlers.append(handler)
        return handler

    def remove_listener(self, handler):
        self._handlers.remove(handler)

    def fire(self, *, reverse=False, **kwargs):
        handlers = reversed(self._handlers) if reverse else self._handlers
        for handler in handlers:
            try:
                handler(**kwargs)
            except (StopUser, RescheduleTask, RescheduleTaskImmediately, InterruptTaskSet):
                raise  # a request listener may stop or reschedule its user, as in Locust
            except Exception:
                note_unhandled_exception("Uncaught exception in event handler")

    def __bool__(self):
        return bool(self._handlers)


class RequestEventHook(EventHook):
    """events.request: fired by locustfile code (a non-HTTP client), it records a sample in cicada's
    native statistics, then tells the listeners; cicada's own HTTP client records natively and only tells."""

    def fire(self, *, reverse=False, **kwargs):
        from locust import _runtime
        _runtime.record_sample(kwargs.get("request_type"), kwargs.get("name"), kwargs.get("response_time"),
                               kwargs.get("response_length"), kwargs.get("exception"))
        super().fire(reverse=reverse, **kwargs)

    def notify(self, **kwargs):
        super().fire(**kwargs)


class DeprecatedEventHook(EventHook):
    def __init__(self, message):
        super().__init__()
        self.message = message

    def add_listener(self, handler):
        logging.warning(self.message)
        return super().add_listener(handler)


class Events:
    _names = (
        "request", "user_error", "report_to_master", "worker_report", "spawning_complete",
        "reset_stats", "cpu_warning", "quitting", "quit", "init", "init_command_line_parser",
        "test_start", "test_stopping", "test_stop", "heartbeat_sent", "heartbeat_received",
        "usage_monitor",
    )

    def __init__(self):
        for name in self._names:
            setattr(self, name, EventHook())
        self.request = RequestEventHook()

    def __getattr__(self, name):
        # An event cicada never fires still accepts listeners, so a locustfile using it loads.
        if name.startswith("__"):
            raise AttributeError(name)
        hook = EventHook()
        setattr(self, name, hook)
        return hook


events = Events()
