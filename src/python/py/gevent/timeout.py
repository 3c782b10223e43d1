"""gevent.Timeout: what join/get/joinall with timeout= raise (get) and what locustfiles catch. Used as a
context manager or started on its own, gevent's Timeout interrupts any code of the greenlet at its next
wait; cicada cannot interrupt a request in flight that way, so those uses raise NotImplementedError naming
what to use instead rather than silently never firing."""

_UNSUPPORTED = ("gevent.Timeout as a context manager or started timer is not supported by cicada (a request "
                "in flight cannot be interrupted): pass timeout= to the request, or to join()/get()/joinall()")


class Timeout(BaseException):
    def __init__(self, seconds=None, exception=None, ref=True, priority=-1):
        super().__init__()
        self.seconds = seconds
        self.exception = exception

    def start(self):
        raise NotImplementedError(_UNSUPPORTED)

    @classmethod
    def start_new(cls, timeout=None, exception=None, ref=True):
        raise NotImplementedError(_UNSUPPORTED)

    def cancel(self):
        pass

    close = cancel

    @property
    def pending(self):
        return False

    def __enter__(self):
        raise NotImplementedError(_UNSUPPORTED)

    def __exit__(self, typ, value, tb):
        return False

    def __str__(self):
        if self.seconds is None:
            return ""
        suffix = "" if self.seconds == 1 else "s"
        if self.exception is None:
            return f"{self.seconds} second{suffix}"
        if self.exception is False:
            return f"{self.seconds} second{suffix} (silent)"
        return f"{self.seconds} second{suffix}: {self.exception}"

    def __repr__(self):
        return f"<Timeout at {hex(id(self))} seconds={self.seconds}>"
