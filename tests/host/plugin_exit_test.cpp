// A plugin that calls exit() cannot end etlhost quietly (exit_guard.h): through the real
// binary, with fixtures that call exit(0) in create(), in sync(), from a thread of their
// own and in a static constructor. Without the guard each of these runs exits 0.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "host_support.h"

using hosttest::contains;
using hosttest::read_file;

namespace {

// A state committed by an earlier, successful run ({"n":3}), and the command line of the next.
struct ExitScenario {
  hosttest::TempDir dir;
  const std::string state = dir.file("state.json");

  ExitScenario() {
    const auto first = hosttest::run_etlhost(args("t-script", "ok"));
    REQUIRE_MESSAGE(first.exit_code == 0, first.describe());
  }
  std::vector<std::string> args(const std::string& source, const std::string& mode) const {
    return {"run",     source,
            "->",      "t-recsink",
            "--set",   "t-recsink.path=" + dir.file("journal"),
            "--set",   "t-script.mode=" + mode,
            "--state", state};
  }
};

// The committed state without its commit time (the baseline commit of every run renews it).
nlohmann::json committed_without_time(const std::string& path) {
  auto state = nlohmann::json::parse(read_file(path));
  state.erase("committed_at");
  return state;
}

// The run exits 1 with `message` on stderr, and the committed state did not move: the
// STATE {"n":1} the exiting source emitted before exit() was never committed.
void check_reported(const ExitScenario& s, const std::string& source, const std::string& mode,
                    const std::string& message) {
  const auto before = committed_without_time(s.state);
  REQUIRE(before["state"] == nlohmann::json{{"n", 3}});
  const auto result = hosttest::run_etlhost(s.args(source, mode));
  CHECK_MESSAGE(result.exit_code == 1, result.describe());
  CHECK_MESSAGE(contains(result.err, message), result.err);
  CHECK(contains(result.err, "etlhost stops with exit 1: nothing after the last commit was committed"));
  CHECK(committed_without_time(s.state) == before);
}

}  // namespace

TEST_CASE("exit guard: exit(0) inside create() exits 1 naming the plugin and the call") {
  ExitScenario s;
  check_reported(s, "t-script", "exit_in_create", "plugin 't-script' called exit(0) inside create()");
}

TEST_CASE("exit guard: exit(0) inside sync() after a pending STATE exits 1 and commits nothing") {
  ExitScenario s;
  check_reported(s, "t-script", "exit_in_sync", "plugin 't-script' called exit(0) inside sync()");
}

TEST_CASE("exit guard: exit(0) from a plugin's own thread during sync() exits 1") {
  ExitScenario s;
  check_reported(s, "t-script", "exit_from_thread",
                 "exit(0) was called by another thread (a plugin's own?) while etlhost was inside sync() of "
                 "plugin 't-script'");
}

TEST_CASE("exit guard: exit(0) in a static constructor run by dlopen exits 1 naming the file") {
  ExitScenario s;
  check_reported(s, "t-exitctor", "ok",
                 "plugin file " + hosttest::fixture_dir() +
                     "/etl-t-exitctor.so called exit(0) inside dlopen() (its static constructors)");
}

TEST_CASE("exit guard: etlhost's own exit paths do not trip it") {
  ExitScenario s;  // its first run exited 0
  const auto again = hosttest::run_etlhost(s.args("t-script", "ok"));
  CHECK_MESSAGE(again.exit_code == 0, again.describe());
  CHECK_FALSE(contains(again.err, "exit("));
  const auto refused = hosttest::run_etlhost(s.args("t-script", "refuse"));
  CHECK(refused.exit_code == 3);
  CHECK_FALSE(contains(refused.err, "exit("));
}

TEST_CASE("plugins: a file that calls exit(0) while loading is listed as broken among good ones, exit 4") {
  hosttest::TempDir dir;
  for (const char* file : {"etl-t-script.so", "etl-t-exitctor.so", "etl-t-noentry.so", "etl-t-recsink.so"}) {
    std::filesystem::copy_file(hosttest::fixture_dir() + "/" + file, dir.file(file));
  }
  hosttest::TempDir empty;
  etltest::ProcessOptions options;
  options.env["ETLHOST_PLUGIN_PATH"] = empty.path().string();
  const auto result = hosttest::run_etlhost({"plugins", "--json", "--plugin-path", dir.path().string()}, options);
  CHECK_MESSAGE(result.exit_code == 4, result.describe());
  CHECK_MESSAGE(contains(result.err, "] 2 of "), result.err);  // the build's own plugins are listed too
  CHECK(contains(result.err, "plugin files failed to load (listed as broken, with the reason); exit 4"));
  const auto listing = nlohmann::json::parse(result.out);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& plugin : listing["plugins"]) {
    if (plugin["path"].get<std::string>().starts_with(dir.path().string())) by_name[plugin["name"]] = plugin;
  }
  REQUIRE(by_name.size() == 4);
  CHECK(by_name["t-script"]["kind"] == "source");
  CHECK(by_name["t-recsink"]["kind"] == "sink");
  CHECK(by_name["t-exitctor"]["kind"].is_null());
  CHECK(contains(by_name["t-exitctor"]["error"].get<std::string>(), "called exit(0) inside dlopen()"));
  CHECK(contains(by_name["t-noentry"]["error"].get<std::string>(), "does not export etl_plugin_entry"));
}

TEST_CASE("plugins: with no broken file the exit code is 0") {
  hosttest::TempDir dir;
  std::filesystem::copy_file(hosttest::fixture_dir() + "/etl-t-script.so", dir.file("etl-t-script.so"));
  hosttest::TempDir empty;
  etltest::ProcessOptions options;
  options.env["ETLHOST_PLUGIN_PATH"] = empty.path().string();
  const auto result = hosttest::run_etlhost({"plugins", "--plugin-path", dir.path().string()}, options);
  CHECK_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(contains(result.out, "t-script"));
}
