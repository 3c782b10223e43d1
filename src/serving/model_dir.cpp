#include "serving/model_dir.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <system_error>

namespace cicada::serving {
namespace fs = std::filesystem;
namespace {

Result<void> write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return make_error(fmt::format("{}: cannot write", path.string()));
  return {};
}

// Removes a folder we created; errors ignored (best effort on the failure path).
void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

}  // namespace

Result<ModelDirTarget> check_model_dir_target(const fs::path& out_arg) {
  std::error_code ec;
  ModelDirTarget target;
  target.path = fs::absolute(out_arg, ec).lexically_normal();
  if (ec || target.path.filename().empty())
    return make_error(fmt::format("{}: not a usable output path", out_arg.string()));
  const std::string shown = out_arg.string();
  if (fs::exists(fs::symlink_status(target.path, ec))) {
    if (!fs::is_directory(target.path, ec) || fs::is_symlink(fs::symlink_status(target.path, ec))) {
      return make_error(fmt::format("{}: exists and is not a directory", shown));
    }
    bool empty = fs::is_empty(target.path, ec);
    if (!empty && !fs::exists(target.path / "model.json", ec)) {
      return make_error(
          fmt::format("{}: exists and is not a model directory (no model.json); not replacing it", shown));
    }
    target.replace = true;
  }
  return target;
}

Result<void> write_model_dir(const fs::path& out_arg, const ModelDirFiles& files) {
  auto target = check_model_dir_target(out_arg);
  if (!target) return target.error();
  std::error_code ec;
  const fs::path out = target->path;
  const std::string shown = out_arg.string();
  const bool replace = target->replace;
  const fs::path parent = out.parent_path();
  fs::create_directories(parent, ec);
  if (ec) return make_error(fmt::format("{}: cannot create: {}", parent.string(), ec.message()));

  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  const std::string tag = fmt::format("{}-{}", ::getpid(), stamp);
  const fs::path tmp = parent / fmt::format(".{}.tmp-{}", out.filename().string(), tag);
  fs::create_directory(tmp, ec);
  if (ec) return make_error(fmt::format("{}: cannot create: {}", tmp.string(), ec.message()));
  for (const auto& [name, text] :
       {std::pair{"model.json", &files.model_json}, std::pair{"booster.json", &files.booster_json},
        std::pair{"metrics.json", &files.metrics_json}}) {
    if (auto ok = write_file(tmp / name, *text); !ok) {
      remove_quietly(tmp);
      return ok.error();
    }
  }
  fs::path old;
  if (replace) {
    old = parent / fmt::format(".{}.old-{}", out.filename().string(), tag);
    fs::rename(out, old, ec);
    if (ec) {
      remove_quietly(tmp);
      return make_error(fmt::format("{}: cannot replace: {}", shown, ec.message()));
    }
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    std::error_code ignored;
    if (replace) fs::rename(old, out, ignored);  // put the previous model back
    remove_quietly(tmp);
    return make_error(fmt::format("{}: cannot move the new model into place: {}", shown, ec.message()));
  }
  if (replace) remove_quietly(old);
  return {};
}

}  // namespace cicada::serving
