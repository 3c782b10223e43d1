"""self.client: Locust's HttpSession API over cicada's native HTTP client.

A request is handed to the engine (a switch out of the user's greenlet); the native client sends it,
records the sample in the native statistics, and the greenlet resumes with the response. Nothing here
measures time or keeps statistics.
"""
import base64
import sys
from collections.abc import MutableMapping
import json as _json
from contextlib import contextmanager
from functools import cached_property
from datetime import timedelta
from time import time as _now
from urllib.parse import urlencode

from locust import _multipart, _runtime
from locust._runtime import request as _request
from locust.exception import CatchResponseError, LocustError, ResponseError


class _ResponseException(Exception):
    """An exception about a response, with it; in the subclass that is also requests' (_requests_kind),
    requests' own __init__ takes the response too."""

    _bridged = False

    def __init__(self, text, response=None):
        super().__init__(text, response=response) if self._bridged else super().__init__(text)
        self.response = response


class HTTPError(_ResponseException):
    """What raise_for_status() raises (its text requests' own: "404 Client Error: Not Found for url: URL"),
    and what a request listener hears of a failed status (the failure text cicada records)."""


class RequestError(_ResponseException):
    """A request that got no HTTP response (connection refused, timeout...)."""


# A locustfile written for Locust catches requests' exceptions (`except requests.exceptions.HTTPError`, a
# ConnectionError or Timeout): once requests is imported (by the locustfile, or a module it uses), what
# cicada raises is also of requests' class. Not imported here: every run would pay for requests and urllib3.
_bridges = {}


def _reduce_to_requests(self):
    # pickle finds the class by module and name, which are requests': an exception pickled (a worker's
    # multiprocessing) unpickles as requests' own.
    return (getattr(sys.modules["requests.exceptions"], type(self).__name__), self.args)


def _requests_kind(ours, requests_name):
    """`ours`, or the subclass of it and of requests.exceptions.<requests_name> when requests is loaded."""
    module = sys.modules.get("requests.exceptions")
    if module is None:
        return ours
    key = (ours, requests_name)
    cls = _bridges.get(key)
    if cls is None:
        # Named as requests' class: type(e).__name__ and repr(e) read as they do under Locust.
        made = type(requests_name, (ours, getattr(module, requests_name)),
                    {"__module__": ours.__module__, "_bridged": True, "__reduce__": _reduce_to_requests})
        cls = _bridges.setdefault(key, made)  # one class per kind, whichever loop thread made it first
    return cls


def _status_error(text, response):
    return _requests_kind(HTTPError, "HTTPError")(text, response=response)


def _recorded_message(failure_text):
    """The message of cicada's recorded failure text, "HTTPError('404 Client Error: ... for url: NAME')" ->
    "404 Client Error: ... for url: NAME": the exception a listener hears says it as Locust's does."""
    if failure_text.startswith("HTTPError('") and failure_text.endswith("')"):
        inner = failure_text[len("HTTPError('"):-len("')")]
        if "\\" not in inner and "'" not in inner:
            return inner  # the common text: no quoting to undo, and no parser on every failed response
    if failure_text.startswith("HTTPError(") and failure_text.endswith(")"):
        import ast
        try:
            return ast.literal_eval(failure_text[len("HTTPError("):-1])
        except (ValueError, SyntaxError):
            pass
    return failure_text


# cicada's transport failure types (src/http/client/failure_text.cpp) that are requests exceptions of
# their own; the rest (refused, reset, name resolution, disconnected, protocol...) are its ConnectionError.
_REQUESTS_NAMES = frozenset(("ConnectTimeout", "ReadTimeout", "SSLError", "TooManyRedirects", "InvalidURL",
                             "InvalidHeader"))


def _transport_error(text, response):
    """The exception of a request that got no response, by cicada's text of it ("ReadTimeout('...')")."""
    kind = text.split("(", 1)[0]
    if kind == "ValueError":  # an invalid method: requests raises a ValueError too, not one of its own
        return RequestError(text, response=response)
    name = kind if kind in _REQUESTS_NAMES else "ConnectionError"
    return _requests_kind(RequestError, name)(text, response=response)


class CaseInsensitiveDict(dict):
    """requests' CaseInsensitiveDict: keys keep the case they were last set with; lookups ignore case.

    A dict (locustfiles pass it where a dict is expected), so every dict method that adds, finds or removes
    a key goes through the lower-cased index here: the plain dict's would bypass it."""

    def __init__(self, data=None, **kwargs):
        super().__init__()
        self._keys = {}
        self.update(data or (), **kwargs)

    def __setitem__(self, key, value):
        low = key.lower()
        if low in self._keys and self._keys[low] != key:
            super().__delitem__(self._keys[low])
        self._keys[low] = key
        super().__setitem__(key, value)

    def __getitem__(self, key):
        return super().__getitem__(self._keys.get(key.lower(), key) if isinstance(key, str) else key)

    def __contains__(self, key):
        return isinstance(key, str) and key.lower() in self._keys

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __delitem__(self, key):
        real = self._keys.pop(key.lower())
        super().__delitem__(real)

    def update(self, *args, **kwargs):
        if len(args) > 1:
            raise TypeError(f"update expected at most 1 argument, got {len(args)}")
        other = args[0] if args else ()
        pairs = other.items() if hasattr(other, "items") else other
        for k, v in pairs:
            self[k] = v
        for k, v in kwargs.items():
            self[k] = v

    def __ior__(self, other):
        self.update(other)
        return self

    def __or__(self, other):
        merged = self.copy()
        merged.update(other)
        return merged

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    _missing = object()

    def pop(self, key, default=_missing):
        if key in self:
            value = self[key]
            del self[key]
            return value
        if default is CaseInsensitiveDict._missing:
            raise KeyError(key)
        return default

    def popitem(self):
        key, value = super().popitem()
        del self._keys[key.lower()]
        return key, value

    def clear(self):
        super().clear()
        self._keys.clear()

    def copy(self):
        return CaseInsensitiveDict(self)

    def lower_items(self):
        return ((low, super(CaseInsensitiveDict, self).__getitem__(key)) for low, key in self._keys.items())

    def __eq__(self, other):
        if not hasattr(other, "items"):
            return NotImplemented
        return dict(self.lower_items()) == dict(CaseInsensitiveDict(other).lower_items())

    __hash__ = None


def _parse_headers(raw):
    headers = CaseInsensitiveDict()
    for line in raw.split("\n"):
        if not line:
            continue
        name, _, value = line.partition(":")
        value = value.strip()
        if name in headers:  # repeated header: joined as requests does
            headers[name] = headers[name] + ", " + value
        else:
            headers[name] = value
    return headers


class Response:
    """What self.client.get(...) returns: the attributes locustfiles read from a requests Response.

    Built from the engine's answer as it is; what most tasks never read (url, elapsed, reason, history,
    headers, cookies, text) is made on first use, so a task that only makes the request pays for none of it.
    """

    encoding = "utf-8"
    error = None
    _sent = None  # (headers as sent, body) when the request had any: what response.request says

    def __init__(self, method, url, answer, base_url=""):
        # answer: (status, content, raw_headers, error, elapsed_us, failure_text, reason, ticket,
        #          entry name when it is not the url given, else None,
        #          the last hop's URL when it is not the host and the url given, else None,
        #          ((status, url, location), ...) of the redirects followed, else None)
        self.request_method = method
        self.status_code = answer[0]
        self.content = answer[1]
        self._answer = answer
        self._path = url
        self._base_url = base_url
        if answer[3]:
            self.error = _transport_error(answer[3], self)

    def __getattr__(self, name):
        # Only for attributes not set yet: each is made once, then read (or set) as a plain attribute.
        if name == "url":
            value = self._answer[9] or _build_url(self._base_url, self._path)
        elif name == "elapsed":
            value = timedelta(microseconds=self._answer[4])
        elif name == "reason":
            value = self._answer[6]
        elif name == "history":
            value = [_redirect_response(self.request_method, hop) for hop in (self._answer[10] or ())]
        elif name == "request":
            value = _SentRequest(self)
        elif name == "_headers":
            value = _parse_headers(self._answer[2])
        else:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        self.__dict__[name] = value
        return value

    @property
    def _failure_text(self):
        return self._answer[5]

    @property
    def text(self):
        return self.content.decode(self.encoding or "utf-8", errors="replace") if self.content else ""

    @property
    def headers(self):
        return self._headers

    @property
    def is_redirect(self):
        return "location" in self.headers and self.status_code in (301, 302, 303, 307, 308)

    @property
    def cookies(self):
        jar = _CookieDict()
        for line in self._answer[2].split("\n"):
            name, _, value = line.partition(":")
            if name.lower() == "set-cookie":
                pair = value.strip().split(";", 1)[0]
                k, _, v = pair.partition("=")
                jar[k.strip()] = v.strip()
        return jar

    @property
    def ok(self):
        return self.error is None and 0 < self.status_code < 400

    def __bool__(self):
        return self.ok

    def json(self, **kwargs):
        try:
            return _json.loads(self.text, **kwargs)
        except _json.JSONDecodeError as e:
            # requests (2.27+) raises its own, a json.JSONDecodeError too: `except RequestException` catches it.
            module = sys.modules.get("requests.exceptions")
            if module is None or not hasattr(module, "JSONDecodeError"):
                raise
            raise module.JSONDecodeError(e.msg, e.doc, e.pos) from None

    def iter_content(self, chunk_size=1, decode_unicode=False):
        """requests' iter_content (stream=True): the body has been read whole, so its pieces come from it."""
        body = self.text if decode_unicode else (self.content or b"")
        step = chunk_size or len(body) or 1
        return (body[i:i + step] for i in range(0, len(body), step))

    def iter_lines(self, chunk_size=512, decode_unicode=False, delimiter=None):
        body = self.text if decode_unicode else (self.content or b"")
        return iter(body.split(delimiter) if delimiter else body.splitlines())

    def raise_for_status(self):
        """As requests': the message names the URL requested (not the name= the statistics use)."""
        if self.error is not None:
            raise self.error
        if self.status_code >= 400:
            kind = "Server" if self.status_code >= 500 else "Client"
            raise _status_error(f"{self.status_code} {kind} Error: {self.reason} for url: {self.url}", self)

    def __repr__(self):
        return f"<Response [{self.status_code}]>"


def _redirect_response(method, hop):
    """One of response.history: a redirect the client followed (its status, URL and Location; no body)."""
    status, url, location = hop
    return Response(method, url, (status, b"", "Location: " + location, None, 0, "", "", 0, None, url, None))


class _CookieDict(dict):
    """response.cookies: what the response set, a dict with the RequestsCookieJar reads locustfiles use."""

    def get_dict(self, domain=None, path=None):
        return dict(self)


class _SentRequest:
    """response.request: what was sent, as requests' PreparedRequest says it (method, url, headers, body).
    The last hop's URL; the headers the locustfile gave with the session's (the engine adds Host, cookies
    and the rest). Read when first used: a requests exception made with the response takes its request at
    once, before the session has told the response what it sent."""

    def __init__(self, response):
        self._response = response
        self.method = response.request_method

    @property
    def url(self):
        return self._response.url

    @cached_property
    def headers(self):  # one dict, as a PreparedRequest's: a change to it stays
        return CaseInsensitiveDict(self._sent()[0] or ())

    @property
    def body(self):
        return self._sent()[1]

    def _sent(self):
        return self._response._sent or (None, None)

    @property
    def path_url(self):
        rest = self.url.split("://", 1)[-1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"

    def __repr__(self):
        return f"<PreparedRequest [{self.method}]>"


class ResponseContextManager(Response):
    """catch_response=True: the caller marks the request success() or failure(); the native client keeps
    the sample pending until then (or until the with-block ends)."""

    _manual_result = None
    _entered = False
    _settled = False

    def __enter__(self):
        self._entered = True
        return self

    def __exit__(self, exc, value, tb):
        if self._manual_result is not None:
            if self._manual_result is True:
                self._settle(None)
            else:
                self._settle(self._manual_result)
            return exc is None
        if exc:
            if isinstance(value, ResponseError):
                self._settle(value)
            else:
                return False  # as Locust: other exceptions propagate (cicada still records the request)
        else:
            failure = None
            if self.error is not None:
                failure = self.error
            elif self.status_code >= 400:
                failure = _status_error(_recorded_message(self._failure_text), self)
            if failure is None:
                self._settle(None)
            else:
                self._settle_default(failure)
        return True

    def success(self):
        if not self._entered:
            raise LocustError("Tried to set status on a request that has not yet been made. Make sure you use a "
                              "with-block, like this:\n\nwith self.client.request(..., catch_response=True) as "
                              "response:\n    response.success()")
        self._manual_result = True

    def failure(self, exc):
        if not self._entered:
            raise LocustError("Tried to set status on a request that has not yet been made. Make sure you use a "
                              "with-block, like this:\n\nwith self.client.request(..., catch_response=True) as "
                              "response:\n    response.failure(...)")
        if not isinstance(exc, Exception):
            exc = CatchResponseError(exc)
        self._manual_result = exc

    def _settle(self, failure):
        if self._settled:
            return
        self._settled = True
        if failure is None:
            _runtime.settle(self._ticket, False, "")
        elif isinstance(failure, CatchResponseError):
            _runtime.settle(self._ticket, True, str(failure))
        else:
            _runtime.settle(self._ticket, True, repr(failure), raw=True)
        self._fire(failure)

    def _settle_default(self, failure):
        self._settled = True
        _runtime.settle_default(self._ticket)
        self._fire(failure)

    def _fire(self, failure):
        if self._session.request_event:
            self._session._fire(self, self._name, failure, self._context)


class EngineCookies(MutableMapping):
    """self.client.cookies: the user's cookie jar as the engine keeps it, the one its requests send (what the
    server set, in the order set). Reads and changes go to the engine, like a RequestsCookieJar's: a CSRF
    token read after a GET, a cookie set by hand, clear() to log out. Domain and path are not kept."""

    def __getitem__(self, name):
        for k, v in _runtime.cookies(_runtime.COOKIE_ITEMS):
            if k == name:
                return v
        raise KeyError(name)

    def __setitem__(self, name, value):
        if value is None:
            self.__delitem__(name)
            return
        _runtime.cookies(_runtime.COOKIE_SET, str(name), str(value))

    def __delitem__(self, name):
        if name not in self:
            raise KeyError(name)
        _runtime.cookies(_runtime.COOKIE_DELETE, str(name))

    def __iter__(self):
        return iter([k for k, _ in _runtime.cookies(_runtime.COOKIE_ITEMS)])

    def __len__(self):
        return len(_runtime.cookies(_runtime.COOKIE_ITEMS))

    def __contains__(self, name):
        return any(k == name for k, _ in _runtime.cookies(_runtime.COOKIE_ITEMS))

    def set(self, name, value, **kwargs):
        """RequestsCookieJar.set: domain, path and the rest are accepted and not kept."""
        self[name] = value

    def clear(self, domain=None, path=None, name=None):
        if name is not None:
            self.pop(name, None)
        else:
            _runtime.cookies(_runtime.COOKIE_CLEAR)

    def get_dict(self, domain=None, path=None):
        return dict(_runtime.cookies(_runtime.COOKIE_ITEMS))

    def __repr__(self):
        return f"<EngineCookies {self.get_dict()!r}>"


class HttpSession:
    """Locust's HttpSession (self.client) on the native client: one keep-alive connection and one cookie
    jar per user, kept by the engine."""

    def __init__(self, base_url, request_event=None, user=None, *args, **kwargs):
        self.request_event = request_event
        self.user = user
        self.base_url = base_url or ""
        self.headers = CaseInsensitiveDict()
        self.auth = None
        self._cookies = EngineCookies()
        self.verify = True
        self.trust_env = False
        self.request_name = None

    @property
    def cookies(self):
        return self._cookies

    @cookies.setter
    def cookies(self, value):
        # self.client.cookies = {...} (or a jar): the user's jar becomes these, as a requests Session's does.
        if value is self._cookies:
            return
        self._cookies.clear()
        for k, v in (value.items() if hasattr(value, "items") else value):
            self._cookies[k] = v

    @property
    def base_url(self):
        return self._base_url

    @base_url.setter
    def base_url(self, value):
        # The engine sends a relative path to the user's host. A session whose base_url is another (Locust's
        # multiple_hosts example: a second HttpSession for an API host, or base_url changed at run time)
        # sends each relative path as an absolute URL on its own base; named by its path, as in Locust.
        self._base_url = value or ""
        user = getattr(self, "user", None)  # a subclass may set base_url before HttpSession.__init__
        host = getattr(user, "host", None) if user is not None else None
        self._own_base = bool(self._base_url) and self._base_url != (host or "")

    @contextmanager
    def rename_request(self, name):
        """Every request in the with-block is named `name` (unless it has its own name=), as Locust's."""
        self.request_name = name
        try:
            yield
        finally:
            self.request_name = None

    def request(self, method, url, name=None, catch_response=False, context={}, **kwargs):
        method = method.upper()
        if self._own_base and not url.startswith(("http://", "https://")):
            url = _build_url(self._base_url, url)
        if kwargs or self.headers or self.auth:
            headers, url, body, allow_redirects, timeout_s = self._prepare(url, kwargs)
        else:  # the common case: nothing to add to the request
            headers, body, allow_redirects, timeout_s = None, None, True, 0.0
        name = name or self.request_name
        answer = _request(method, url, name, headers, body, catch_response, allow_redirects, timeout_s)
        if catch_response:
            response = ResponseContextManager(method, url, answer, self.base_url)
            if headers or body:
                response._sent = (headers, body)
            response._ticket = answer[7]
            response._session = self
            response._name = name or _stats_name(url, answer)
            response._context = context
            # Listeners hear of it after the with-block: its start is taken now, while now is its end.
            response._start_time = _start_time(answer)
            return response
        response = Response(method, url, answer, self.base_url)
        if headers or body:
            response._sent = (headers, body)
        if getattr(self.request_event, "_handlers", True):  # an EventHook's listeners (no Python __bool__)
            self._notify(response, name, context)
        return response

    def _notify(self, response, name, context):
        """The request listeners hear of a response made without catch_response."""
        failure = None
        if response.error is not None:
            failure = response.error
        elif response.status_code >= 400:
            failure = _status_error(_recorded_message(response._failure_text), response)
        self._fire(response, name or _stats_name(response._path, response._answer), failure, context)

    def _prepare(self, url, kwargs):
        """Headers (the session's, the request's, auth, cookies), query, body and options of one request."""
        _check_options(self.base_url, url, kwargs)
        headers = None
        if self.headers or kwargs.get("headers") or self.auth or kwargs.get("auth") or kwargs.get("cookies"):
            merged = CaseInsensitiveDict(self.headers.items())
            for k, v in (kwargs.get("headers") or {}).items():
                merged[k] = v
            auth = kwargs.get("auth") or self.auth
            if auth:
                token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
                merged["Authorization"] = "Basic " + token
            # The session's own cookies are the engine's jar, sent by it; cookies= adds these to this request.
            cookies = dict(kwargs.get("cookies") or {})
            if cookies:
                merged["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            headers = [(str(k), str(v)) for k, v in merged.items()]
        params = kwargs.get("params")
        if params:
            query = urlencode(params, doseq=True) if not isinstance(params, (str, bytes)) else params
            if isinstance(query, bytes):
                query = query.decode()
            url = url + ("&" if "?" in url else "?") + query
        body = None
        content_type = None
        data = kwargs.get("data")
        json_body = kwargs.get("json")
        if kwargs.get("files"):
            body, content_type = _multipart.encode(data, kwargs["files"])
        elif data is not None:
            if isinstance(data, (dict, list, tuple)):
                body = urlencode(data, doseq=True).encode()
                content_type = "application/x-www-form-urlencoded"
            elif isinstance(data, str):
                body = data.encode()
            else:
                body = bytes(data)
        elif json_body is not None:
            body = _json.dumps(json_body).encode()
            content_type = "application/json"
        if content_type and (headers is None or not any(k.lower() == "content-type" for k, _ in headers)):
            headers = (headers or []) + [("Content-Type", content_type)]
        allow_redirects = kwargs.get("allow_redirects", True)
        # requests' timeout=: seconds, or (connect, read); cicada's timeout covers the whole request, so a
        # pair counts as their sum. None: the run's --request-timeout.
        timeout = kwargs.get("timeout")
        if isinstance(timeout, (tuple, list)):
            timeout = sum(t for t in timeout if t is not None)
        timeout_s = float(timeout) if timeout else 0.0
        return headers, url, body, allow_redirects, timeout_s

    def _fire(self, response, name, failure, context):
        ctx = {}
        if self.user is not None:
            ctx.update(self.user.context())
        ctx.update(context)
        start_time = getattr(response, "_start_time", None) or _start_time(response._answer)
        notify = getattr(self.request_event, "notify", self.request_event.fire)
        notify(request_type=response.request_method, name=name,
               response_time=response.elapsed.total_seconds() * 1000,
               response_length=len(response.content or b""), response=response,
               context=ctx, exception=failure, start_time=start_time, url=response.url)

    def get(self, url, **kwargs):
        if kwargs or self.headers or self.auth or self._own_base:
            return self.request("GET", url, **kwargs)
        # self.client.get(path) alone, the commonest call: request()'s work without its general path.
        response = Response("GET", url, _request("GET", url, self.request_name, None, None, False, True, 0.0),
                            self.base_url)
        if getattr(self.request_event, "_handlers", True):
            self._notify(response, self.request_name, {})
        return response

    def post(self, url, data=None, json=None, **kwargs):
        return self.request("POST", url, data=data, json=json, **kwargs)

    def put(self, url, data=None, **kwargs):
        return self.request("PUT", url, data=data, **kwargs)

    def patch(self, url, data=None, **kwargs):
        return self.request("PATCH", url, data=data, **kwargs)

    def delete(self, url, **kwargs):
        return self.request("DELETE", url, **kwargs)

    def head(self, url, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.request("HEAD", url, **kwargs)

    def options(self, url, **kwargs):
        return self.request("OPTIONS", url, **kwargs)

    def close(self):
        pass


def _build_url(base_url, url):
    if url.startswith("http://") or url.startswith("https://"):
        return url
    return base_url.rstrip("/") + url if url.startswith("/") else base_url.rstrip("/") + "/" + url


# requests' keywords that _prepare turns into the request.
_APPLIED = frozenset(("params", "data", "headers", "cookies", "files", "auth", "timeout", "allow_redirects", "json"))
# Those cicada's client cannot honour: accepted only while they ask for nothing (None, {}), else an error
# rather than a request sent differently than the locustfile says.
_UNSUPPORTED = {
    "proxies": "cicada's client connects to the host directly",
    "cert": "use --client-cert FILE --client-key FILE for the whole run",
    "hooks": "use a request listener (events.request) instead",
}


def _is_https(base_url, url):
    return url.startswith("https://") or ("://" not in url and base_url.startswith("https://"))


def _check_options(base_url, url, kwargs):
    """requests' other keywords: accepted where ignoring them changes nothing, else a clear error."""
    for key, value in kwargs.items():
        if key in _APPLIED:
            continue
        if key == "stream":  # the body is read whole either way: response.content is the same
            continue
        if key == "verify":
            # Plain HTTP has nothing to verify, and True is what cicada does anyway. verify=False for a
            # self-signed staging host is common in locustfiles: the request goes out with the run's own
            # setting (--insecure, --ca-bundle), said once, rather than failing every task.
            if value is not None and value is not True and _is_https(base_url, url):
                _warn_once("verify", f"verify={value!r} is not applied per request: cicada checks TLS certificates "
                                     "for the whole run (--insecure, or --ca-bundle FILE)")
            continue
        if key in _UNSUPPORTED:
            if not value:
                continue
            raise NotImplementedError(f"{key}= is not supported by cicada's client: {_UNSUPPORTED[key]}")
        raise TypeError(f"request() got an unexpected keyword argument '{key}'")


_warned = set()


def _warn_once(key, text):
    if key not in _warned:
        _warned.add(key)
        import logging
        logging.warning(text)


def _start_time(answer):
    """When the request started, as Locust's start_time (time.time()): the engine's answer has just come,
    and it says how long the request took (µs)."""
    return _now() - answer[4] / 1e6


def _stats_name(url, answer):
    """The engine's entry name for a request without name=: the url as given unless it says otherwise."""
    return url if answer[8] is None else answer[8]
