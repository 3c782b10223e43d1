#pragma once
// Bytes from outside (a server's reason phrase, a peer's message) as a Python str: invalid UTF-8 is
// replaced (U+FFFD), never raised, so what a target or a peer sends cannot break the code reading it.
#include <pybind11/pybind11.h>

#include <string_view>

namespace cicada::python {

// A new reference; null only when Python is out of memory (its error set).
inline PyObject* lenient_text(std::string_view s) {
  return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
}

// The same as a pybind11 str (throws error_already_set when out of memory).
inline pybind11::str lenient_str(std::string_view s) {
  PyObject* o = lenient_text(s);
  if (!o) throw pybind11::error_already_set();
  return pybind11::reinterpret_steal<pybind11::str>(o);
}

}  // namespace cicada::python
