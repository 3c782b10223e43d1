#include "scenario/cpp_cache.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace cicada::scenario {
namespace {

// Feeds length-prefixed fields, so that ("ab","c") and ("a","bc") hash differently.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void field(std::string_view data) {
    const std::string size = std::to_string(data.size()) + ":";
    EVP_DigestUpdate(ctx_.get(), size.data(), size.size());
    EVP_DigestUpdate(ctx_.get(), data.data(), data.size());
  }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &len);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out.push_back(kDigits[digest[i] >> 4]);
      out.push_back(kDigits[digest[i] & 15]);
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

std::optional<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<fs::path> cpp_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg && fs::path(xdg).is_absolute()) {
    return fs::path(xdg) / "cicada" / "scenarios";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".cache" / "cicada" / "scenarios";
  }
  return make_error("neither XDG_CACHE_HOME nor HOME is set: no place to cache compiled C++ scenarios");
}

Result<std::string> cpp_cache_key(std::string_view source_text, const CppToolchain& toolchain) {
  Sha256 sha;
  sha.field("cicada C++ scenario v1");
  sha.field(source_text);
  sha.field(toolchain.compiler);
  sha.field(toolchain.version);
  for (const auto& f : toolchain.flags) sha.field(f);
  // The headers in a fixed order: a directory listing's order is not.
  std::vector<fs::path> headers;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(toolchain.include_dir / "cicada", ec)) {
    if (entry.is_regular_file()) headers.push_back(entry.path());
  }
  if (ec)
    return make_error("cannot list " + (toolchain.include_dir / "cicada").string() + ": " + ec.message());
  std::sort(headers.begin(), headers.end());
  for (const auto& h : headers) {
    auto text = slurp(h);
    if (!text) return make_error("cannot read " + h.string());
    sha.field(h.filename().string());
    sha.field(*text);
  }
  return sha.hex();
}

}  // namespace cicada::scenario
