"""locust.log: logging in Locust's format. cicada's loader sets it up before the locustfile runs (at
--loglevel, on stderr, which --logfile redirects); a locustfile calling setup_logging itself changes the
level, or with a logfile sends the records there instead."""
import logging
import socket

HOSTNAME = socket.gethostname()

# Locust sets it when a greenlet dies of an unhandled exception; cicada records those in the exceptions
# table instead, so it stays False.
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
