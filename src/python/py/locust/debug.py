"""locust.debug: PrintListener prints every request, as Locust's; run_single_user cannot run here.

Locust's run_single_user drives one user on gevent inside the calling script (`python locustfile.py`
under a debugger). cicada's users need cicada's engine, which runs only once the locustfile is loaded, so
the same is `cicada -f locustfile.py -u 1 ...`. A locustfile guarding the call with
`if __name__ == "__main__":` loads unchanged (under cicada its __name__ is the file's name)."""
import inspect
import os
from datetime import datetime, timezone

from locust.exception import CatchResponseError


def _print_t(s):
    print(str(s), end="\t")


class PrintListener:
    """Prints a line for every request (Locust's columns), from a request listener."""

    def __init__(self, env, include_length=False, include_time=False, include_context=False,
                 include_payload=False):
        env.events.request.add_listener(self.on_request)
        self.include_length = "length\t" if include_length else ""
        self.include_time = "time                    \t" if include_time else ""
        self.include_context = "context\t" if include_context else ""
        self.include_payload = "payload\t" if include_payload else ""
        print(f"\n{self.include_time}type\t{'name'.ljust(50)}\tresp_ms\t{self.include_length}exception\t"
              f"{self.include_context}\t{self.include_payload}")

    def on_request(self, request_type, name, response_time, response_length, exception, context,
                   start_time=None, response=None, **_kwargs):
        errortext = ""
        if exception:
            errortext = str(exception) if isinstance(exception, CatchResponseError) else repr(exception)
            errortext = errortext[:500].replace("\n", " ")
        if self.include_time:
            when = datetime.fromtimestamp(start_time, tz=timezone.utc) if start_time else datetime.now()
            _print_t(when)
        _print_t(request_type)
        _print_t((name.ljust(30) if name else "").ljust(50))
        _print_t(str(round(-1 if response_time is None else response_time)).ljust(7))
        if self.include_length:
            _print_t(response_length)
        _print_t(errortext.ljust(9))
        if self.include_context:
            _print_t(context or "")
        if self.include_payload:
            # cicada's responses do not keep the request's body.
            _print_t(getattr(getattr(response, "_request", None), "payload", ""))
        print()


def run_single_user(user_class, include_length=False, include_time=False, include_context=False,
                    include_payload=False, loglevel=None):
    caller = os.path.basename(inspect.stack()[1].filename)
    raise NotImplementedError(
        f"run_single_user({getattr(user_class, '__name__', user_class)}): cicada runs users only in its engine; "
        f"run one user with `cicada -f {caller} {getattr(user_class, '__name__', '')} -u 1 -r 1 --headless` "
        "(add -t 30s to stop it; see docs/locustfiles.md)")
