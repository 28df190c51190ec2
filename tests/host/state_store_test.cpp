// The state file: envelope, plain Singer state, refusals, atomic commit, the lock.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <utility>

#include "exit_codes.h"
#include "host_error.h"
#include "host_support.h"
#include "state_store.h"

using etlhost::HostError;
using etlhost::StateStore;
using etlhost::StoredState;
using hosttest::contains;
using hosttest::read_file;
using hosttest::write_file;

namespace fs = std::filesystem;

namespace {

struct QuietLogger {
  std::vector<std::string> lines;
  etlhost::Logger logger{etlhost::LogLevel::kDebug, [this](std::string_view line) { lines.emplace_back(line); }};
};

std::string state_error(const std::string& path, const std::string& source, const std::string& sink) {
  QuietLogger quiet;
  try {
    StateStore store(path);
    store.read(source, sink, quiet.logger);
  } catch (const HostError& error) {
    CHECK(error.exit_code() == etlhost::exit_code::kStateFile);
    return error.what();
  }
  FAIL("expected a state file error");
  return "";
}

}  // namespace

TEST_CASE("state: a missing file is a first run") {
  hosttest::TempDir dir;
  QuietLogger quiet;
  StateStore store(dir.file("state.json"));
  const StoredState state = store.read("demo", "csv", quiet.logger);
  CHECK(state.format == StoredState::Format::kMissing);
  CHECK_FALSE(state.source_state);
  CHECK_FALSE(state.sink_checkpoint);
}

TEST_CASE("state: the envelope round-trips the plugins' JSON byte for byte") {
  hosttest::TempDir dir;
  const std::string path = dir.file("state.json");
  QuietLogger quiet;
  {
    StateStore store(path);
    store.commit("demo", R"({"b": 1.50, "a":[1,  2], "big":123456789012345678901234567890})", "csv",
                 R"({"files":{"orders.csv":1024}})");
  }
  const std::string text = read_file(path);
  CHECK(text.starts_with(R"({"etlhost_state":1,"source":"demo","state":{"b": 1.50,)"));
  CHECK(contains(text, R"("sink":"csv","sink_checkpoint":{"files":{"orders.csv":1024}},"committed_at":")"));
  CHECK(text.ends_with("Z\"}\n"));

  StateStore store(path);
  const StoredState state = store.read("demo", "csv", quiet.logger);
  CHECK(state.format == StoredState::Format::kEnvelope);
  CHECK(state.source_state == R"({"b": 1.50, "a":[1,  2], "big":123456789012345678901234567890})");
  CHECK(state.sink_checkpoint == R"({"files":{"orders.csv":1024}})");

  store.commit("demo", std::nullopt, "csv", std::nullopt);  // a baseline before any STATE
  const StoredState empty = store.read("demo", "csv", quiet.logger);
  CHECK_FALSE(empty.source_state);
  CHECK_FALSE(empty.sink_checkpoint);
}

TEST_CASE("state: a plain Singer state is the source's state, with no checkpoint") {
  hosttest::TempDir dir;
  const std::string path = dir.file("tap.state");
  write_file(path, "{\"events\":\"2017-01-17T20:32:05Z\"}\n");
  QuietLogger quiet;
  StateStore store(path);
  const StoredState state = store.read("fullstory", "singer", quiet.logger);
  CHECK(state.format == StoredState::Format::kSingerState);
  CHECK(state.source_state == R"({"events":"2017-01-17T20:32:05Z"})");
  CHECK_FALSE(state.sink_checkpoint);
}

TEST_CASE("state: an envelope of another source is refused, naming both") {
  hosttest::TempDir dir;
  const std::string path = dir.file("state.json");
  write_file(path, R"({"etlhost_state":1,"source":"fullstory","state":{},"sink":"csv","sink_checkpoint":null})");
  const std::string message = state_error(path, "demo", "csv");
  CHECK(contains(message, path));
  CHECK(contains(message, "source 'fullstory'"));
  CHECK(contains(message, "this run's source is 'demo'"));
}

TEST_CASE("state: an envelope of another sink keeps the source state, drops the checkpoint, warns") {
  hosttest::TempDir dir;
  const std::string path = dir.file("state.json");
  write_file(path, R"({"etlhost_state":1,"source":"demo","state":{"n":3},"sink":"csv","sink_checkpoint":{"x":1}})");
  QuietLogger quiet;
  StateStore store(path);
  const StoredState state = store.read("demo", "singer", quiet.logger);
  CHECK(state.source_state == R"({"n":3})");
  CHECK_FALSE(state.sink_checkpoint);
  REQUIRE(quiet.lines.size() == 1);
  CHECK(contains(quiet.lines[0], "WARN"));
  CHECK(contains(quiet.lines[0], "checkpoint of sink 'csv'"));
}

TEST_CASE("state: invalid JSON and unknown envelope versions are refused, naming the file") {
  hosttest::TempDir dir;
  const std::string path = dir.file("state.json");
  write_file(path, "{\"etlhost_state\":1,\"source\":");
  const std::string message = state_error(path, "demo", "csv");
  CHECK(contains(message, "state file " + path + " is not valid JSON"));
  CHECK(contains(message, "parse error"));
  write_file(path, R"({"etlhost_state":2,"source":"demo"})");
  CHECK(contains(state_error(path, "demo", "csv"), "understands version 1 only"));
}

TEST_CASE("state: 1e999 or a NUL byte after the JSON is refused, naming the file") {
  // Found by state_text_fuzzer. 1e999: nlohmann's out_of_range escaped as an internal error
  // (exit 1). NUL: nlohmann stops there, so " false\0junk" was a valid Singer state whose
  // text, junk included, went into the next commit's envelope.
  const std::pair<std::string, const char*> cases[] = {
      {R"({"events":1e999})", "the number 1e999 at line 1, column 11 is beyond the range of a double"},
      {std::string("{\"events\":\"2017-01-17T20:32:05Z\"}\0junk", 38), "a NUL byte"}};
  for (const auto& [text, problem] : cases) {
    CAPTURE(problem);
    hosttest::TempDir dir;
    const std::string path = dir.file("state.json");
    write_file(path, text);
    const std::string message = state_error(path, "demo", "csv");
    CHECK(contains(message, "state file " + path));
    CHECK(contains(message, problem));
  }
}

TEST_CASE("state: a commit is atomic and leaves no temporary file") {
  hosttest::TempDir dir;
  const std::string path = dir.file("state.json");
  StateStore store(path);
  store.commit("demo", R"({"n":1})", "csv", R"({"r":1})");
  store.commit("demo", R"({"n":2})", "csv", R"({"r":2})");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"state.json", "state.json.lock"});
  CHECK(contains(read_file(path), R"("state":{"n":2})"));
}

TEST_CASE("state: a failed commit keeps the previous state and says so") {
  hosttest::TempDir dir;
  const std::string path = dir.file("state.json");
  StateStore store(path);
  store.commit("demo", R"({"n":1})", "csv", std::nullopt);
  const std::string before = read_file(path);
  fs::create_directory(path + ".tmp");  // the temporary file cannot be created now
  try {
    store.commit("demo", R"({"n":2})", "csv", std::nullopt);
    FAIL("expected the commit to fail");
  } catch (const HostError& error) {
    CHECK(error.exit_code() == etlhost::exit_code::kStateFile);
    CHECK(contains(error.what(), "cannot commit state file " + path));
    CHECK(contains(error.what(), "previous state is unchanged"));
  }
  CHECK(read_file(path) == before);
}

TEST_CASE("state: the lock is exclusive while held and free afterwards") {
  hosttest::TempDir dir;
  const std::string path = dir.file("state.json");
  {
    StateStore holder(path);
    CHECK_THROWS_WITH_AS(StateStore{path},
                         doctest::Contains(("another etlhost run is using state file " + path).c_str()), HostError);

    // The binary is refused too (exit 7), before the source runs.
    const auto result = hosttest::run_etlhost({"run", "demo", "to", "null", "--state", path});
    CHECK_MESSAGE(result.exit_code == 7, result.describe());
    CHECK(contains(result.err, "another etlhost run is using state file " + path));
    CHECK_FALSE(hosttest::file_exists(path));
  }
  CHECK_NOTHROW(StateStore{path});
}

TEST_CASE("state: a state file in a missing directory is refused before any lock file, naming the directory") {
  CHECK_THROWS_WITH_AS(StateStore("/nonexistent/dir/state.json"),
                       doctest::Contains("/nonexistent/dir is not an existing directory; create it first"), HostError);
}

TEST_CASE("state: JSON nested 100k levels is refused with a message, not a crash, at any place") {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  for (const std::string& text :
       {deep, R"({"etlhost_state":)" + deep + "}",
        R"({"etlhost_state":1,"source":"demo","state":)" + deep + R"(,"sink":"csv","sink_checkpoint":null})",
        R"({"etlhost_state":1,"source":"demo","state":{},"sink":"csv","sink_checkpoint":)" + deep + "}"}) {
    hosttest::TempDir dir;
    const std::string path = dir.file("state.json");
    write_file(path, text);
    const std::string message = state_error(path, "demo", "csv");
    CHECK(contains(message, "deeper than 128 levels"));
    CHECK(message.size() < 400);
  }
  // 128 levels are still a state (a plain Singer state, the source's to judge).
  hosttest::TempDir dir;
  write_file(dir.file("ok.json"), std::string(127, '[') + std::string(127, ']'));
  QuietLogger quiet;
  CHECK(StateStore(dir.file("ok.json")).read("demo", "csv", quiet.logger).source_state.has_value());
}

TEST_CASE("state: a Singer STATE message line stands for its value, byte for byte") {
  QuietLogger quiet;
  const auto parse = [&](const std::string& text) {
    return etlhost::parse_state_text(text, "target.state", "demo", "csv", quiet.logger);
  };
  // What a target prints last, fed back as --state.
  const StoredState state = parse(
      "{\"type\": \"STATE\", \"value\": {\"customers\":2, \"orders\":12345678901234567890}}\n");
  CHECK(state.format == StoredState::Format::kStateMessage);
  CHECK(state.source_state == R"({"customers":2, "orders":12345678901234567890})");
  CHECK_FALSE(state.sink_checkpoint);
  CHECK_FALSE(parse(R"({"type":"STATE","value":null})").source_state);  // a first run
  // Anything more than type and value is not a message: the whole object is the state.
  CHECK(parse(R"({"type":"STATE","value":{},"bookmarks":{}})").format == StoredState::Format::kSingerState);
}

TEST_CASE("state: read_input_state reads without a lock file and without a checkpoint") {
  hosttest::TempDir dir;
  const std::string path = dir.file("state.json");
  write_file(path, R"({"etlhost_state":1,"source":"demo","state":{"customers":1,"orders":1},"sink":"singer",)"
                   R"("sink_checkpoint":{"offset":3}})");
  QuietLogger quiet;
  const StoredState state = etlhost::read_input_state(path, "demo", "singer", quiet.logger);
  CHECK(state.source_state == R"({"customers":1,"orders":1})");
  CHECK_FALSE(state.sink_checkpoint);
  CHECK_FALSE(hosttest::file_exists(path + ".lock"));
  // Missing: refused (exit 7), since nothing will create it.
  try {
    etlhost::read_input_state(dir.file("missing.json"), "demo", "singer", quiet.logger);
    FAIL("expected a state file error");
  } catch (const HostError& error) {
    CHECK(error.exit_code() == etlhost::exit_code::kStateFile);
    CHECK(contains(error.what(), "does not exist"));
  }
}
