"""Custom messages between a master and its workers (environment.runner.send_message and
register_message, as Locust's): the process's mailbox is cicada's (src/scenario/custom_messages.hpp), the
master's and workers' sockets carry the messages (docs/protocol.md, `custom`).

A message's data travels as JSON (Locust's as msgpack): what json.dumps takes arrives as json.loads gives
it back (a tuple arrives as a list, dict keys as strings). Listeners run on a thread of this process's own
(cicada has no gevent hub outside users), one message at a time in arrival order, as Locust's runner
greenlet runs them; a listener registered with concurrent=True runs on a thread of its own instead. A
worker loads its locustfile again for each test: what the master sends for a test waits until that test's
load, and its test_start takes it first (take_held)."""
import json
import logging
import threading
import traceback

from locust import _runtime
from locust.rpc import Message

_log = logging.getLogger("locust.runners")  # Locust's runner logs these
_lock = threading.Lock()  # one delivery at a time: listeners run in arrival order
_thread = None
_WAIT_S = 1.0


def encode(msg_type, data):
    if not isinstance(msg_type, str):
        raise TypeError(f"environment.runner.send_message: the message type must be a str, not "
                        f"{type(msg_type).__name__}")
    try:
        return json.dumps(data)
    except (TypeError, ValueError) as e:
        raise TypeError(f"environment.runner.send_message({msg_type!r}, ...): cicada carries a message's data "
                        f"between processes as JSON, and this data is not JSON-serializable ({e})") from None


def send(msg_type, data, to=""):
    """Queues the message for the socket thread: to a worker's id, or "" (every worker; from a worker, the
    master)."""
    _runtime.message_send(msg_type, encode(msg_type, data), to or "")


def _current_runner():
    from locust import _loader  # imported here: _loader imports the runners that import this module
    env = _loader._state.get("environment")
    return getattr(env, "runner", None)


def _deliver(held):
    with _lock:
        while True:
            runner = _current_runner()
            if runner is None:
                return
            message = _runtime.message_take(held)
            if message is None:
                return
            runner._receive(*message)


def take_held():
    """A test starts (its test_start, before its listeners): what came for it runs now, in order, then
    messages go through as they arrive."""
    try:
        _deliver(True)
    finally:
        _runtime.message_release()


def start():
    """The delivery thread, once per process (a daemon: it never holds the process at its end)."""
    global _thread
    if _thread is not None:
        return
    _thread = threading.Thread(target=_deliver_forever, name="cicada-custom-messages", daemon=True)
    _thread.start()


def _deliver_forever():
    while True:
        try:
            if _runtime.message_wait(_WAIT_S):
                _deliver(False)
        except Exception:  # cicada's own error: said, and the messages after it still go through
            _log.error(f"Custom message delivery failed\n{traceback.format_exc()}")


def listener_of(entry):
    """(listener, concurrent) of a runner.custom_messages entry: register_message's pair, or a bare listener
    from code that fills the dict itself, as Locust 2.12 keeps it."""
    return entry if isinstance(entry, tuple) else (entry, False)


def run_listener(runner, msg_type, data, node_id, source):
    """One arrival for `runner`'s listener of its type (Locust 2.12's logs; source: " from worker ID" on a
    master, "" on a worker)."""
    entry = runner.custom_messages.get(msg_type)
    if entry is None:
        _log.warning(f"Unknown message type received{source}: {msg_type}")
        return
    listener, concurrent = listener_of(entry)
    try:
        value = json.loads(data)
    except Exception as e:  # bytes from the network: not JSON, not UTF-8, nested too deep
        _log.warning(f"Custom message {msg_type} received{source} dropped: its data is not JSON ({e})")
        return
    message = Message(msg_type, value, node_id)
    if concurrent:
        threading.Thread(target=_call, args=(listener, runner, message), daemon=True).start()
    else:
        _call(listener, runner, message)


def _call(listener, runner, message):
    try:
        listener(environment=runner.environment, msg=message)
    except Exception:
        _log.error(f"Uncaught exception in handler for {message.type}\n{traceback.format_exc()}")
