"""FastHttpUser: in cicada the same native client as HttpUser (there is only one, and it is fast)."""
from locust.clients import HttpSession, Response, ResponseContextManager  # noqa: F401
from locust.user.users import HttpUser


class FastHttpSession(HttpSession):
    pass


# A FastHttpUser's responses are the one client's: FastResponse names the same class, so isinstance checks
# and type hints of a FastHttpUser's locustfile hold.
FastResponse = Response


class FastHttpUser(HttpUser):
    abstract = True
    network_timeout = 60.0
    connection_timeout = 60.0
    max_redirects = 5
    max_retries = 1
    insecure = True
    default_headers = None
    concurrency = 10
    client_pool = None

    def __init__(self, environment):
        super().__init__(environment)
        if self.default_headers:
            self.client.headers.update(self.default_headers)
