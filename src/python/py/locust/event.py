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

    first_listener = None  # called before the first listener is added (events.request_success's forwarding)

    def add_listener(self, handler):
        logging.warning(self.message)
        if self.first_listener is not None:
            self.first_listener()
        return super().add_listener(handler)


class UnfiredEventHook(EventHook):
    """An event cicada never fires: a locustfile adding a listener still loads, and the log says once, at
    load time, that the listener will not be called and why (rather than leaving it silently unused)."""

    def __init__(self, name, why):
        super().__init__()
        self.name = name
        self.why = why
        self._warned = False

    def add_listener(self, handler):
        if not self._warned:
            self._warned = True
            logging.warning("events.%s: cicada never fires this event (%s), so the listener %s will not be "
                            "called (see docs/locustfiles.md)", self.name, self.why,
                            getattr(handler, "__qualname__", repr(handler)))
        return super().add_listener(handler)


# The events of Locust's Events class (and of later Locust versions) that cicada does not fire, and why.
_UNFIRED = {
    "report_to_master": "a worker sends its statistics natively and no custom data to its master",
    "worker_report": "workers send their statistics natively and no custom data to the master",
    "cpu_warning": "cicada does not watch its own CPU usage as Locust's runner does; a master logs a worker "
                   "above 90%",
    "heartbeat_sent": "an event of Locust versions after 2.12; cicada's heartbeats are native",
    "heartbeat_received": "an event of Locust versions after 2.12; cicada's heartbeats are native",
    "usage_monitor": "an event of Locust versions after 2.12",
}


class Events:
    # The events cicada fires: request and user_error in the users; the others around the run
    # (src/python/python_loader.cpp, fired through _loader.fire).
    _names = (
        "request", "user_error", "spawning_complete", "reset_stats", "quitting", "quit", "init",
        "init_command_line_parser", "test_start", "test_stopping", "test_stop",
    )

    def __init__(self):
        for name in self._names:
            setattr(self, name, EventHook())
        for name, why in _UNFIRED.items():
            setattr(self, name, UnfiredEventHook(name, why))
        self.request = RequestEventHook()
        self._forwarding = False
        # Locust 2.12's deprecated pair, fired from every request as Locust's Events does; the forwarding
        # listener is added only with their first listener (an idle request hook costs a request nothing).
        self.request_success = DeprecatedEventHook("request_success event deprecated. Use the request event.")
        self.request_failure = DeprecatedEventHook("request_failure event deprecated. Use the request event.")
        for hook in (self.request_success, self.request_failure):
            hook.first_listener = self._forward_deprecated

    def _forward_deprecated(self):
        if getattr(self, "_forwarding", False):
            return
        self._forwarding = True

        def fire_deprecated_request_handlers(request_type, name, response_time, response_length, exception=None,
                                             **kwargs):
            if exception:
                self.request_failure.fire(request_type=request_type, name=name, response_time=response_time,
                                          response_length=response_length, exception=exception)
            else:
                self.request_success.fire(request_type=request_type, name=name, response_time=response_time,
                                          response_length=response_length)

        self.request.add_listener(fire_deprecated_request_handlers)

    def __getattr__(self, name):
        # An event Locust 2.12 does not have still accepts listeners, so a locustfile using it loads.
        if name.startswith("__"):
            raise AttributeError(name)
        hook = UnfiredEventHook(name, "Locust 2.12 has no such event")
        setattr(self, name, hook)
        return hook


events = Events()
