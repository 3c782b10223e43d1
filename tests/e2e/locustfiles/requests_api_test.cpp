// Locust's and requests' API as locustfiles use it beyond the common calls: rename_request, multipart
// uploads, the request keywords cicada does not honour, start_time of request listeners, case-insensitive
// session headers, the imports of Locust's other modules, parsed_options as Locust's, and the order of a
// SequentialTaskSet.
#include <regex>

#include "locustfile_fixture.hpp"
#include "support/scripted_server.hpp"

using cicada::testing::find_row;
using cicada::testing::LocustfileTest;
using cicada::testing::read_file;
using cicada::testing::RecordedRequest;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;

namespace {

// A target that answers every request 200 "ok" and records what arrived.
struct OkTarget {
  OkTarget() { server.set_fallback(ScriptedReply::respond(200, "ok")); }
  ScriptedServer server;
};

}  // namespace

TEST_F(LocustfileTest, RenameRequestNamesTheRequestsOfItsBlock) {
  OkTarget target;
  const auto file = write("rename.py", R"py(
from locust import HttpUser, task, constant
class U(HttpUser):
    wait_time = constant(10)
    @task
    def t(self):
        with self.client.rename_request("grouped"):
            self.client.get("/health")
            self.client.get("/health/ready")
        self.client.get("/health/live")
)py");
  EXPECT_EQ(run_on(target.server.url(), file, {}, 1, 1), 0) << log();
  const auto stats = csv("stats");
  const auto* grouped = find_row(stats, "GET", "grouped");
  const auto* after = find_row(stats, "GET", "/health/live");
  ASSERT_TRUE(grouped && after) << log();
  EXPECT_EQ((*grouped)[2], "2") << log();
  EXPECT_EQ((*after)[2], "1") << log();
  EXPECT_FALSE(find_row(stats, "GET", "/health")) << log();
}

TEST_F(LocustfileTest, FilesAreSentAsMultipartFormDataAsRequestsEncodesThem) {
  OkTarget target;
  const auto file = write("upload.py", R"py(
import io
from locust import HttpUser, task, constant
class U(HttpUser):
    wait_time = constant(10)
    @task
    def t(self):
        doc = io.BytesIO(b"file body")
        doc.name = "/tmp/report.txt"
        self.client.post("/upload", data={"field": "v1"},
                         files=[("doc", doc), ("raw", ("r.bin", b"\x00\x01", "application/octet-stream"))])
)py");
  EXPECT_EQ(run_on(target.server.url(), file, {}, 1, 1), 0) << log();
  const auto requests = target.server.requests();
  ASSERT_FALSE(requests.empty()) << log();
  const RecordedRequest& r = requests.front();
  std::smatch m;
  const std::string content_type = r.header("Content-Type").value_or("");
  ASSERT_TRUE(std::regex_match(content_type, m, std::regex("multipart/form-data; boundary=([0-9a-f]{32})")))
      << content_type;
  const std::string b = "--" + m[1].str();
  const std::string expected =
      b + "\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nv1\r\n" + b +
      "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"report.txt\"\r\n\r\n"
      "file body\r\n" +
      b +
      "\r\nContent-Disposition: form-data; name=\"raw\"; filename=\"r.bin\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      std::string("\x00\x01", 2) + "\r\n" + b + "--\r\n";
  EXPECT_EQ(r.body, expected);
}

TEST_F(LocustfileTest, RequestKeywordsCicadaCannotHonourAreErrorsNamingThem) {
  // verify=False over plain HTTP and stream=True change nothing: the requests are made. proxies= and a
  // keyword requests does not have are refused with their names rather than dropped.
  OkTarget target;
  const auto file = write("keywords.py", R"py(
from locust import HttpUser, task, constant
class U(HttpUser):
    wait_time = constant(10)
    @task
    def t(self):
        self.client.get("/plain", verify=False, stream=True)
        self.client.get("https://127.0.0.1:1/tls", verify=False)  # made with the run's TLS settings, said once
        try:
            self.client.get("/proxied", proxies={"http": "http://127.0.0.1:1"})
        except NotImplementedError as e:
            print("refused:", e, flush=True)
        self.client.get("/typo", time_out=3)
)py");
  EXPECT_EQ(run_on(target.server.url(), file, {}, 1, 1), 1)
      << log();  // the TypeError is an exception of the task
  const auto requests = target.server.requests();
  ASSERT_EQ(requests.size(), 1u) << log();
  EXPECT_EQ(requests[0].target, "/plain");
  EXPECT_NE(log().find("refused: proxies= is not supported by cicada's client"), std::string::npos) << log();
  EXPECT_NE(log().find("verify=False is not applied per request"), std::string::npos) << log();
  EXPECT_NE(read_file(dir_.path() / "out_exceptions.csv").find("unexpected keyword argument 'time_out'"),
            std::string::npos)
      << read_file(dir_.path() / "out_exceptions.csv");
}

TEST_F(LocustfileTest, RequestListenersHearWhenTheRequestStarted) {
  // start_time is time.time() at the start: before the listener runs, by about the response time.
  OkTarget target;
  const auto file = write("start.py", R"py(
import time
from locust import HttpUser, events, task, constant
@events.request.add_listener
def heard(name, start_time, response_time, **kwargs):
    now = time.time()
    ok = isinstance(start_time, float) and 0 <= now - start_time < 5 and \
        now - start_time >= response_time / 1000 - 0.001
    print("start", name, "ok" if ok else "bad %r" % (start_time,), flush=True)
class U(HttpUser):
    wait_time = constant(10)
    @task
    def t(self):
        self.client.get("/health")
        with self.client.get("/health/ready", catch_response=True) as r:
            time.sleep(0.2)
            r.success()
)py");
  EXPECT_EQ(run_on(target.server.url(), file, {}, 1, 1), 0) << log();
  EXPECT_NE(log().find("start /health ok"), std::string::npos) << log();
  EXPECT_NE(log().find("start /health/ready ok"), std::string::npos) << log();
  EXPECT_EQ(log().find("bad"), std::string::npos) << log();
}

TEST_F(LocustfileTest, SessionHeadersStayCaseInsensitiveAfterUpdate) {
  // headers.update(...) (and FastHttpUser's default_headers, applied with it) keeps lookups case-insensitive.
  OkTarget target;
  const auto file = write("headers.py", R"py(
from locust import FastHttpUser, task, constant
class U(FastHttpUser):
    wait_time = constant(10)
    default_headers = {"X-Default": "d"}
    @task
    def t(self):
        h = self.client.headers
        h.update({"X-Token": "a"}, Accept="text/plain")
        h.setdefault("x-token", "ignored")
        print("lookup", "x-default" in h, h.get("X-TOKEN"), h.get("accept"), flush=True)
        self.client.get("/with")
        del h["x-token"]
        print("popped", h.pop("ACCEPT"), "X-Token" in h, sorted(h.copy()), flush=True)
        self.client.get("/without")
)py");
  EXPECT_EQ(run_on(target.server.url(), file, {}, 1, 1), 0) << log();
  EXPECT_NE(log().find("lookup True a text/plain"), std::string::npos) << log();
  EXPECT_NE(log().find("popped text/plain False ['X-Default']"), std::string::npos) << log();
  const auto requests = target.server.requests();
  ASSERT_EQ(requests.size(), 2u) << log();
  EXPECT_EQ(requests[0].header("x-token").value_or(""), "a");
  EXPECT_EQ(requests[0].header("x-default").value_or(""), "d");
  EXPECT_FALSE(requests[1].header("x-token")) << log();
  EXPECT_EQ(requests[1].header("x-default").value_or(""), "d");
}

TEST_F(LocustfileTest, LocustsOtherModulesImport) {
  // The imports and common uses of Locust's other modules load; run_single_user says what to run instead.
  const auto file = write("imports.py", R"py(
from locust import HttpUser, events, task, run_single_user, web, wait_time
from locust.user.sequential_taskset import SequentialTaskSet
from locust.user.inspectuser import get_ratio
from locust.util.timespan import parse_timespan
from locust.contrib.fasthttp import FastResponse
from locust.stats import stats_printer, stats_history
from locust.argument_parser import LocustArgumentParser
import locust.debug, locust.log

class U(HttpUser):
    wait_time = wait_time.constant(10)
    @task
    def t(self):
        r = self.client.get("/health")
        print("fast response", isinstance(r, FastResponse), flush=True)

@events.init.add_listener
def on_init(environment, **kwargs):
    if environment.web_ui:
        environment.web_ui.app.route("/extra")(lambda: "x")
    print("timespan", parse_timespan("1h2m3s"), parse_timespan("20"), flush=True)
    print("ratio", get_ratio([U], {"U": 1}, True)["U"]["tasks"]["t"]["ratio"], flush=True)
    stats_printer(environment.stats)()
    stats_history(environment.runner)
    locust.debug.PrintListener(environment)
    try:
        run_single_user(U)
    except NotImplementedError as e:
        print("single user:", e, flush=True)
)py");
  EXPECT_EQ(run(file, {}, 1, 1), 0) << log();
  for (const char* line : {"timespan 3723 20", "ratio 1.0", "fast response True", "single user:"})
    EXPECT_NE(log().find(line), std::string::npos) << line << log();
  EXPECT_NE(log().find("cicada -f imports.py U -u 1"), std::string::npos) << log();
  EXPECT_TRUE(std::regex_search(log(), std::regex("GET\t/health +\t[0-9]+ +\t")))
      << log();  // PrintListener's line
}

TEST_F(LocustfileTest, ParsedOptionsHaveLocustsNamesAndTypes) {
  const auto file = write("options.py", R"py(
from locust import HttpUser, events, task
@events.init.add_listener
def on_init(environment, **kwargs):
    o = environment.parsed_options
    print("options", repr(o.run_time), o.master, o.worker, o.expect_workers, o.reset_stats,
          o.exit_code_on_error, o.web_host, o.web_port, o.locustfile.endswith("options.py"), o.html_file,
          o.logfile, o.only_summary, o.autostart, repr(o.tls_cert), repr(o.tls_key), flush=True)
class U(HttpUser):
    @task
    def t(self):
        self.client.get("/health")
)py");
  EXPECT_EQ(run(file, {}, 1, 2, {"--exit-code-on-error", "3", "--html", "report.html"}), 0) << log();
  EXPECT_NE(
      log().find("options 2 False False 1 False 3 127.0.0.1 8089 True report.html None True False '' ''"),
      std::string::npos)
      << log();
}

TEST_F(LocustfileTest, SequentialTaskSetKeepsTheDeclarationOrder) {
  // A tasks list between @task methods runs where it is declared, as Locust's SequentialTaskSet orders it.
  OkTarget target;
  const auto file = write("sequence.py", R"py(
from locust import HttpUser, SequentialTaskSet, task, constant
def b(ts):
    ts.client.get("/b")
def c(ts):
    ts.client.get("/c")
class Flow(SequentialTaskSet):
    @task
    def a(self):
        self.client.get("/a")
    tasks = [b, c]
    @task
    def d(self):
        self.client.get("/d")
class U(HttpUser):
    wait_time = constant(0.05)
    tasks = [Flow]
)py");
  EXPECT_EQ(run_on(target.server.url(), file, {}, 1, 1), 0) << log();
  const auto requests = target.server.requests();
  ASSERT_GE(requests.size(), 4u) << log();
  std::string order;
  for (std::size_t i = 0; i < 4; ++i) order += requests[i].target;
  EXPECT_EQ(order, "/a/b/c/d");
}

TEST_F(LocustfileTest, ASecondSessionSendsToItsOwnBaseUrl) {
  // Locust's multiple_hosts example: a second HttpSession for another host. Its relative paths went to
  // the user's host (silently) before; they go to its own base_url, named by their path, as in Locust.
  OkTarget main_host, api_host;
  const auto file = write("hosts.py", R"py(
import os
from locust import HttpUser, task, constant
from locust.clients import HttpSession
class U(HttpUser):
    wait_time = constant(10)
    def on_start(self):
        self.api = HttpSession(base_url=os.environ["API_HOST"], request_event=self.client.request_event, user=self)
    @task
    def t(self):
        self.client.get("/main")
        self.api.get("/api/items")
        r = self.api.post("/api/items", json={"a": 1})
        print("api url", r.url, flush=True)
)py");
  ::setenv("API_HOST", api_host.server.url().c_str(), 1);
  const int code = run_on(main_host.server.url(), file, {}, 1, 1);
  ::unsetenv("API_HOST");
  EXPECT_EQ(code, 0) << log();
  std::vector<std::string> main_targets, api_targets;
  for (const auto& r : main_host.server.requests()) main_targets.push_back(r.target);
  for (const auto& r : api_host.server.requests()) api_targets.push_back(r.target);
  EXPECT_EQ(main_targets, std::vector<std::string>{"/main"}) << log();
  EXPECT_EQ(api_targets, (std::vector<std::string>{"/api/items", "/api/items"})) << log();
  const auto stats = csv("stats");
  const auto* get = find_row(stats, "GET", "/api/items");
  ASSERT_TRUE(get) << log();
  EXPECT_EQ((*get)[2], "1");
  EXPECT_NE(log().find("api url " + api_host.server.url() + "/api/items\n"), std::string::npos) << log();
}

TEST_F(LocustfileTest, SessionCookiesAreTheJarTheRequestsSend) {
  // Django's CSRF pattern reads the token the server set; a logout clears the jar; a cookie set by hand
  // goes out. self.client.cookies was a dict of its own: KeyError, clear() did nothing, no set().
  ScriptedServer server;
  server.set_handler([](const RecordedRequest& r) {
    if (r.target == "/login")
      return ScriptedReply::respond(200, "form").with_header("Set-Cookie", "csrftoken=abc123; Path=/");
    return ScriptedReply::respond(200, "ok");
  });
  const auto file = write("cookies.py", R"py(
from locust import HttpUser, task, constant
class U(HttpUser):
    wait_time = constant(10)
    @task
    def t(self):
        self.client.get("/login")
        token = self.client.cookies["csrftoken"]
        print("token", token, "csrftoken" in self.client.cookies, len(self.client.cookies), flush=True)
        self.client.post("/submit", headers={"X-CSRFToken": token})
        self.client.cookies.set("lang", "fr")
        self.client.get("/after-set")
        del self.client.cookies["csrftoken"]
        self.client.get("/after-delete")
        self.client.cookies.clear()
        self.client.get("/after-clear")
        print("left", self.client.cookies.get_dict(), flush=True)
)py");
  EXPECT_EQ(run_on(server.url(), file, {}, 1, 1), 0) << log();
  EXPECT_NE(log().find("token abc123 True 1\n"), std::string::npos) << log();
  EXPECT_NE(log().find("left {}\n"), std::string::npos) << log();
  std::map<std::string, std::string> cookie_of;
  for (const auto& r : server.requests()) cookie_of[r.target] = r.header("Cookie").value_or("(none)");
  EXPECT_EQ(cookie_of["/submit"], "csrftoken=abc123");
  EXPECT_EQ(cookie_of["/after-set"], "csrftoken=abc123; lang=fr");
  EXPECT_EQ(cookie_of["/after-delete"], "lang=fr");
  EXPECT_EQ(cookie_of["/after-clear"], "(none)");
}

TEST_F(LocustfileTest, AListenerMayStopItsUserAndAssignedCookiesAreTheJar) {
  // Locust's EventHook re-raises StopUser from a listener (the user stops; nothing "unhandled": exit 0);
  // self.client.cookies = {...} makes the jar those cookies, as a requests Session's assignment does.
  OkTarget target;
  const auto file = write("stopper.py", R"py(
from locust import HttpUser, events, task, constant
from locust.exception import StopUser
@events.request.add_listener
def stop_after_second(name, **kwargs):
    if name == "/second":
        raise StopUser()
class U(HttpUser):
    wait_time = constant(0.05)
    @task
    def t(self):
        self.client.cookies = {"sid": "s1", "lang": "fr"}
        self.client.get("/first")
        self.client.get("/second")
        self.client.get("/never")
)py");
  EXPECT_EQ(run_on(target.server.url(), file, {}, 1, 1), 0) << log();
  std::vector<std::string> targets;
  for (const auto& r : target.server.requests()) targets.push_back(r.target);
  EXPECT_EQ(targets, (std::vector<std::string>{"/first", "/second"})) << log();
  const auto requests = target.server.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].header("Cookie").value_or(""), "sid=s1; lang=fr");
  EXPECT_EQ(log().find("Uncaught exception in event handler"), std::string::npos) << log();
}

// What a locustfile written for Locust reads of a response, and catches: requests' exception classes (once
// the locustfile imported requests) with requests' message naming the URL, the request as sent,
// is_redirect, and the response's cookies as a jar (get_dict). Each once failed (a probe's locustfiles).
TEST_F(LocustfileTest, RequestsExceptionsAndTheResponsesRequestAsLocustfilesReadThem) {
  ScriptedServer server;
  server.set_handler([](const RecordedRequest& r) {
    if (r.target == "/gone") return ScriptedReply::respond(503, "down");
    if (r.target == "/moved")
      return ScriptedReply::respond(302, "")
          .with_header("Location", "/here")
          .with_header("Set-Cookie", "s=1");
    return ScriptedReply::respond(200, "ok").with_header("Set-Cookie", "sid=xyz; Path=/");
  });
  const auto file = write("requests_api.py", R"py(
import requests
from locust import HttpUser, task, constant
class U(HttpUser):
    wait_time = constant(10)
    @task
    def t(self):
        r = self.client.get("/gone", name="upstream")
        try:
            r.raise_for_status()
        except requests.exceptions.HTTPError as e:
            print("caught:", str(e), e.response.status_code, flush=True)
        r = self.client.get("http://127.0.0.1:1/refused")
        try:
            r.raise_for_status()
        except requests.exceptions.ConnectionError as e:
            print("refused:", type(e).__name__, flush=True)
        r = self.client.post("/form", json={"a": 1}, headers={"X-Trace": "7"})
        print("request:", r.request.method, r.request.url.endswith("/form"), r.request.headers["x-trace"],
              r.request.body, r.request.path_url, flush=True)
        print("cookies:", r.cookies.get_dict(), r.is_redirect, flush=True)
        r = self.client.get("/moved", allow_redirects=False)
        print("redirect:", r.is_redirect, r.status_code, r.history, flush=True)
        r = self.client.get("/moved")
        hop = r.history[0]
        print("history:", [h.status_code for h in r.history], hop.url == r.url.replace("/here", "/moved"),
              hop.headers["location"], hop.is_redirect, r.url.endswith("/here"), r.status_code, flush=True)
)py");
  EXPECT_EQ(run_on(server.url(), file, {}, 1, 1), 1) << log();  // the 503 and the refusal failed
  EXPECT_NE(
      log().find("caught: 503 Server Error: Service Unavailable for url: " + server.url() + "/gone 503\n"),
      std::string::npos)
      << log();
  EXPECT_NE(log().find("refused: ConnectionError\n"), std::string::npos) << log();
  EXPECT_NE(log().find("request: POST True 7 b'{\"a\": 1}' /form\n"), std::string::npos) << log();
  EXPECT_NE(log().find("cookies: {'sid': 'xyz'} False\n"), std::string::npos) << log();
  EXPECT_NE(log().find("redirect: True 302 []\n"), std::string::npos) << log();
  EXPECT_NE(log().find("history: [302] True /here True True 200\n"), std::string::npos) << log();  // was []
  // The statistics still group the 503 by its name, as Locust's do.
  const auto failures = csv("failures");
  ASSERT_GE(failures.size(), 2u) << log();
  bool grouped = false;
  for (const auto& row : failures)
    grouped = grouped || row[2] == "HTTPError('503 Server Error: Service Unavailable for url: upstream')";
  EXPECT_TRUE(grouped) << log();
}
