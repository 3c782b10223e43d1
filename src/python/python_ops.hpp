#pragma once
// What a user's greenlet hands to the engine when it switches out (src/python/py/locust/_runtime.py):
// a tuple whose first item is one of these codes. Keep both files in step.
namespace cicada::python {

enum Op : int {
  kOpRequest =
      0,          // (0, method, url, name|None, [(header, value)]|None, body|None, catch_response, redirects)
  kOpSleep = 1,   // (1, seconds)
  kOpSettle = 2,  // (2, ticket, failed: None (default) | bool, message, raw)
  kOpSample = 3,  // (3, request_type, name, response_time_ms, response_length, error|None)
  kOpException = 4,  // (4, message, traceback: frames only, log text: "Traceback ..." to "ValueError: ...")
  kOpCookies = 5,    // (5, action, name|None, value|None): the user's cookie jar; answered at once (below)
  kOpDone = 9,       // (9, outcome): the call returned
};

// kDoneDied: on_start raised (not StopUser): the user runs no task and no on_stop, as Locust's greenlet dies.
enum Outcome : int { kDoneOk = 0, kDoneStopUser = 1, kDoneDied = 2 };

// kOpCookies' actions: items answers [(name, value), ...] in the order set; the others answer None.
enum CookieAction : int { kCookieItems = 0, kCookieSet = 1, kCookieDelete = 2, kCookieClear = 3 };

}  // namespace cicada::python
