// Plugin search and loading: real dlopen of real built libraries (in-process), and the
// not-found message of the binary.
#include <doctest/doctest.h>

#include <filesystem>

#include "exit_codes.h"
#include "host_error.h"
#include "host_support.h"
#include "plugin_instance.h"
#include "plugin_loader.h"
#include "plugin_search.h"

using etlhost::HostError;
using etlhost::LoadedPlugin;
using etlhost::PluginKind;
using etlhost::SearchDir;
using hosttest::contains;
using hosttest::current_abi_text;
using hosttest::fixture_dir;
using hosttest::plugin_dir;

namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) { return fixture_dir() + "/etl-" + name + ".so"; }

// The message of the HostError that loading `path` throws; checks exit 4 and that the
// message names the file.
std::string load_error(const std::string& path, const std::string& expected_name) {
  try {
    LoadedPlugin::load(path, expected_name);
  } catch (const HostError& error) {
    CHECK(error.exit_code() == etlhost::exit_code::kPluginLoad);
    CHECK(contains(error.what(), path));
    return error.what();
  }
  FAIL("expected a load error for " << path);
  return "";
}

std::vector<SearchDir> dirs_of(std::initializer_list<std::string> dirs) {
  std::vector<SearchDir> out;
  for (const std::string& dir : dirs) out.push_back({dir, "test"});
  return out;
}

}  // namespace

TEST_CASE("loader: demo loads and its descriptor is copied out") {
  const auto demo = LoadedPlugin::load(plugin_dir() + "/etl-demo.so", "demo");
  CHECK(demo->name() == "demo");
  CHECK(demo->kind() == PluginKind::kSource);
  CHECK(demo->abi_text() == current_abi_text());
  CHECK_FALSE(demo->version().empty());
  REQUIRE(demo->config_fields().size() == 3);
  CHECK(demo->config_fields()[0].key == "records");
  CHECK(demo->config_fields()[0].default_json == "1000");
  CHECK(demo->source_api() != nullptr);
  CHECK(demo->sink_api() == nullptr);
}

TEST_CASE("loader: a file that is not a shared library") {
  hosttest::TempDir dir;
  const std::string path = dir.file("etl-fake.so");
  hosttest::write_file(path, "this is text, not ELF\n");
  load_error(path, "fake");
}

TEST_CASE("loader: each broken descriptor is refused with a precise reason") {
  CHECK(contains(load_error(fixture("t-noentry"), "t-noentry"), "does not export etl_plugin_entry"));
  CHECK(contains(load_error(fixture("t-abi2"), "t-abi2"),
                 "built for plugin ABI 2.0; this etlhost speaks " + current_abi_text()));
  CHECK(contains(load_error(fixture("t-entryrefuses"), "t-entryrefuses"),
                 "refused to load (ETL_E_ABI_MISMATCH): t-entry-refuses speaks ABI major 9"));
  CHECK(contains(load_error(fixture("t-nowrite"), "t-nowrite"), "required sink callbacks are NULL: write"));
  const std::string misnamed = load_error(fixture("t-misnamed"), "t-misnamed");
  CHECK(contains(misnamed, "named for plugin 't-misnamed'"));
  CHECK(contains(misnamed, "its descriptor says 'someone-else'"));
  CHECK(contains(load_error(fixture("t-baddefault"), "t-baddefault"),
                 "config key 'count' is of type integer but its default is a string"));
  CHECK(contains(load_error(fixture("t-dupkey"), "t-dupkey"), "config key 'count' is declared twice"));
  // Loaded by path, the name is not compared with the file name.
  CHECK(LoadedPlugin::load(fixture("t-misnamed"), "")->name() == "someone-else");
}

TEST_CASE("loader: a plugin of the wrong kind for its role") {
  const auto dirs = dirs_of({fixture_dir(), plugin_dir()});
  CHECK_THROWS_WITH_AS(
      etlhost::load_plugin("demo", PluginKind::kSink, dirs),
      doctest::Contains(
          ("plugin 'demo' (" + plugin_dir() + "/etl-demo.so) is a source and cannot be used as the sink").c_str()),
      HostError);
  CHECK_THROWS_WITH_AS(etlhost::load_plugin("t-recsink", PluginKind::kSource, dirs),
                       doctest::Contains("is a sink and cannot be used as the source"), HostError);
  CHECK(etlhost::load_plugin("demo", PluginKind::kSource, dirs)->name() == "demo");
  CHECK(etlhost::load_plugin(plugin_dir() + "/etl-demo.so", std::nullopt, {})->name() == "demo");
}

TEST_CASE("loader: not found lists every path tried, with origins, and suggests") {
  const std::vector<SearchDir> dirs{{"/nonexistent/a", "--plugin-path"},
                                    {"/nonexistent/b", "ETLHOST_PLUGIN_PATH"},
                                    {plugin_dir(), "next to the etlhost executable"}};
  try {
    etlhost::load_plugin("demoo", PluginKind::kSource, dirs);
    FAIL("expected not found");
  } catch (const HostError& error) {
    const std::string message = error.what();
    CHECK(error.exit_code() == etlhost::exit_code::kPluginLoad);
    CHECK(contains(message, "plugin 'demoo' not found"));
    CHECK(contains(message, "/nonexistent/a/etl-demoo.so (--plugin-path)"));
    CHECK(contains(message, "/nonexistent/b/etl-demoo.so (ETLHOST_PLUGIN_PATH)"));
    CHECK(contains(message, plugin_dir() + "/etl-demoo.so (next to the etlhost executable)"));
    CHECK(contains(message, "did you mean 'demo'?"));
    CHECK(contains(message, "etlhost plugins"));
  }
  CHECK_THROWS_WITH_AS(etlhost::load_plugin("Bad Name", PluginKind::kSource, dirs),
                       doctest::Contains("is not a plugin name"), HostError);
}

TEST_CASE("search: order is --plugin-path, ETLHOST_PLUGIN_PATH, next to the executable, never '.'") {
  const auto dirs = etlhost::plugin_search_dirs({"/a:/b", "/c"}, "/d::/e:", "/opt/etl/bin");
  REQUIRE(dirs.size() == 6);
  CHECK(dirs[0].dir == "/a");
  CHECK(dirs[0].origin == "--plugin-path");
  CHECK(dirs[2].dir == "/c");
  CHECK(dirs[3].dir == "/d");
  CHECK(dirs[3].origin == "ETLHOST_PLUGIN_PATH");
  CHECK(dirs[4].dir == "/e");  // empty components (which would mean ".") are dropped
  CHECK(dirs[5].dir == "/opt/etl/lib/etlhost/plugins");
  CHECK(etlhost::looks_like_plugin_path("./x"));
  CHECK(etlhost::looks_like_plugin_path("etl-x.so"));
  CHECK_FALSE(etlhost::looks_like_plugin_path("fullstory"));
  CHECK(etlhost::plugin_name_from_file("etl-csv.so") == "csv");
  CHECK_FALSE(etlhost::plugin_name_from_file("libcsv.so"));
}

TEST_CASE("search: a plugin found again later in the path is shadowed by the first") {
  hosttest::TempDir first;
  hosttest::TempDir second;
  fs::copy_file(plugin_dir() + "/etl-demo.so", first.file("etl-demo.so"));
  fs::copy_file(plugin_dir() + "/etl-demo.so", second.file("etl-demo.so"));
  hosttest::write_file(second.file("not-a-plugin.so"), "");
  const auto files = etlhost::list_plugin_files(
      {{first.path().string(), "--plugin-path"}, {second.path().string(), "--plugin-path"}, {"/nonexistent", "x"}});
  REQUIRE(files.size() == 2);
  CHECK(files[0].shadowed_by.empty());
  CHECK(files[1].path == second.file("etl-demo.so"));
  CHECK(files[1].shadowed_by == first.file("etl-demo.so"));
  CHECK(etlhost::find_plugin("demo", {{second.path().string(), "a"}, {first.path().string(), "b"}}).path ==
        second.file("etl-demo.so"));
}

TEST_CASE("instances: a create() refusal is a config error carrying the plugin's message") {
  etlhost::Logger logger(etlhost::LogLevel::kError, [](std::string_view) {});
  etlhost::CancelFlag cancel;
  const auto script = LoadedPlugin::load(fixture("t-script"), "t-script");
  CHECK_THROWS_WITH_AS(etlhost::SourceInstance(script, R"({"mode":"refuse"})", logger, cancel),
                       doctest::Contains("source 't-script' refused its config: t-script config: mode 'refuse'"),
                       HostError);
  etlhost::SourceInstance ok(script, R"({"mode":"ok"})", logger, cancel);
  CHECK_FALSE(ok.has_discover());
}

TEST_CASE("loader (binary): not found names every path tried and its origin") {
  etltest::ProcessOptions options;
  options.env["ETLHOST_PLUGIN_PATH"] = "/nonexistent/c";
  const auto result = hosttest::run_etlhost(
      {"run", "nosuch", "to", "null", "--plugin-path", "/nonexistent/a:/nonexistent/b"}, options);
  CHECK_MESSAGE(result.exit_code == 4, result.describe());
  CHECK(contains(result.err, "/nonexistent/a/etl-nosuch.so (--plugin-path)"));
  CHECK(contains(result.err, "/nonexistent/b/etl-nosuch.so (--plugin-path)"));
  CHECK(contains(result.err, "/nonexistent/c/etl-nosuch.so (ETLHOST_PLUGIN_PATH)"));
  CHECK(contains(result.err, "etl-nosuch.so (next to the etlhost executable)"));
  CHECK(contains(result.err, "etlhost plugins"));
  CHECK(result.out.empty());

  hosttest::TempDir dir;
  hosttest::write_file(dir.file("etl-fake.so"), "not ELF");
  const auto fake = hosttest::run_etlhost({"run", dir.file("etl-fake.so"), "to", "null"});
  CHECK_MESSAGE(fake.exit_code == 4, fake.describe());
  CHECK(contains(fake.err, "cannot load plugin " + dir.file("etl-fake.so")));
}
