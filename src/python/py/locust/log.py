"""locust.log: logging in Locust's format. cicada's loader sets it up before the locustfile runs (at
--loglevel, on stderr, which --logfile redirects); a locustfile calling setup_logging itself changes the
level, or with a logfile sends the records there instead."""
import logging
import socket

HOSTNAME = socket.gethostname()

# Set when an event listener or the load shape's tick() raised (event.note_unhandled_exception), or by a
# locustfile's own greenlet_exception_logger: an otherwise clean run then exits 2, as Locust's does. (An
# exception in a task is recorded in the exceptions table instead, and fails the run as Locust's does.)
unhandled_greenlet_exception = False

_FORMAT = f"[%(asctime)s] {HOSTNAME}/%(levelname)s/%(name)s: %(message)s"
_handler = None


def setup_logging(loglevel, logfile=None):
    """One handler on the root logger in Locust's format, at `loglevel`; set up again, it is replaced."""
    global _handler
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    _handler = logging.FileHandler(logfile) if logfile else logging.StreamHandler()  # stderr
    _handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(_handler)
    root.setLevel(str(loglevel).upper())


def greenlet_exception_logger(logger, level=logging.CRITICAL):
    def exception_handler(greenlet):
        logger.log(level, "Unhandled exception in greenlet: %s", greenlet, exc_info=getattr(greenlet, "exc_info", None))
        global unhandled_greenlet_exception
        unhandled_greenlet_exception = True

    return exception_handler
