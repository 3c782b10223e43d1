"""Locust's exceptions, with Locust's names (locustfiles catch and raise them)."""


class LocustError(Exception):
    pass


class ResponseError(Exception):
    pass


class CatchResponseError(Exception):
    pass


class MissingWaitTimeError(LocustError):
    pass


class InterruptTaskSet(Exception):
    """Raised by TaskSet.interrupt(): hands control back to the parent TaskSet or User."""

    def __init__(self, reschedule=True):
        super().__init__()
        self.reschedule = reschedule


class StopUser(Exception):
    pass


class RescheduleTask(Exception):
    """Ends the current task at once; the user waits its wait_time and picks the next one."""


class RescheduleTaskImmediately(Exception):
    """Ends the current task at once; the next one starts without waiting."""


class RPCError(Exception):
    pass


class RPCSendError(RPCError):
    pass


class RPCReceiveError(RPCError):
    pass


class AuthCredentialsError(ValueError):
    pass


class RunnerAlreadyExistsError(Exception):
    pass
