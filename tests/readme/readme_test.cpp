// README.md must stay true: every example a user may copy is run here.
//
// A fenced ```sh block right after a line `<!-- readme-test -->` is run with bash -eu in a
// fresh directory, with the built etlhost first on PATH and plugins found next to it, as
// an installed etlhost would. After `<!-- readme-test: fullstory -->` the directory also
// holds `fullstory.json` pointing at a fullstory-sim on 127.0.0.1, and FULLSTORY_API_KEY
// holds the simulator's key, as a user's would hold theirs.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "files.h"
#include "fullstory_sim.h"
#include "process.h"

namespace {

const std::string kRepo = ETLHOST_README_REPO;

struct Block {
  std::string tag;   // "" or what follows "readme-test:" ("fullstory")
  std::string code;  // the lines inside the fence
  int line = 0;      // where the fence opens in README.md
};

std::vector<std::string> readme_lines() { return etltest::lines_of(etltest::read_file(kRepo + "/README.md")); }

// The fenced block that starts at `lines[start]` (an opening fence): its inner lines.
std::string fenced_code(const std::vector<std::string>& lines, size_t start) {
  std::string code;
  for (size_t i = start + 1; i < lines.size() && lines[i].rfind("```", 0) != 0; ++i) code += lines[i] + "\n";
  return code;
}

std::vector<Block> tested_blocks() {
  const auto lines = readme_lines();
  std::vector<Block> blocks;
  const std::string marker = "<!-- readme-test";
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i].rfind(marker, 0) != 0) continue;
    REQUIRE_MESSAGE(lines[i + 1] == "```sh", "README.md line " << i + 2 << ": a readme-test marker must precede ```sh");
    std::string tag = lines[i].substr(marker.size());
    tag = tag.substr(0, tag.find("-->"));
    if (!tag.empty() && tag[0] == ':') tag = tag.substr(1);
    while (!tag.empty() && tag.front() == ' ') tag.erase(0, 1);
    while (!tag.empty() && tag.back() == ' ') tag.pop_back();
    blocks.push_back(Block{tag, fenced_code(lines, i + 1), static_cast<int>(i + 2)});
  }
  return blocks;
}

etltest::ProcessOptions user_environment(const etltest::TempDir& dir) {
  etltest::ProcessOptions options;
  const char* path = std::getenv("PATH");
  options.env["PATH"] = std::string(ETLHOST_README_BIN_DIR) + ":" + (path != nullptr ? path : "/usr/bin:/bin");
  options.unset_env = {"ETLHOST_PLUGIN_PATH", "FULLSTORY_API_KEY"};
  options.working_dir = dir.path().string();
  options.timeout = std::chrono::seconds(120);
  return options;
}

}  // namespace

TEST_CASE("every shell example marked in README.md runs and succeeds") {
  const auto blocks = tested_blocks();
  REQUIRE(blocks.size() >= 3);  // the markers are there: this test cannot pass on nothing
  for (const Block& block : blocks) {
    INFO("README.md line " << block.line << ":\n" << block.code);
    etltest::TempDir dir;
    auto options = user_environment(dir);
    std::optional<etltest::Simulator> sim;
    if (block.tag == "fullstory") {
      sim.emplace(std::vector<std::string>{"--bundles", "2", "--events-per-bundle", "40"});
      auto config = nlohmann::json::parse(etltest::plugin_config(*sim));
      config.erase("api_key");  // from the environment, as the README says
      etltest::write_file(dir.file("fullstory.json"), config.dump());
      options.env["FULLSTORY_API_KEY"] = etltest::kApiKey;
    } else {
      REQUIRE_MESSAGE(block.tag.empty(), "unknown readme-test tag '" << block.tag << "'");
    }
    const auto result = etltest::run_process("bash", {"-eu", "-c", block.code}, options);
    CHECK_MESSAGE(result.exit_code == 0, result.describe());
    CHECK_MESSAGE(result.err.find(" ERROR ") == std::string::npos, result.err);
    if (sim) CHECK(result.err.find(etltest::kApiKey) == std::string::npos);
  }
}

TEST_CASE("the quick start is exactly two commands, both existing executable scripts") {
  const auto lines = readme_lines();
  size_t heading = 0;
  while (heading < lines.size() && lines[heading] != "## Quick start") ++heading;
  REQUIRE(heading < lines.size());
  size_t fence = heading;
  while (fence < lines.size() && lines[fence].rfind("```", 0) != 0) ++fence;
  REQUIRE(fence < lines.size());
  const auto commands = etltest::lines_of(fenced_code(lines, fence));
  REQUIRE(commands.size() == 2);
  for (const auto& command : commands) {
    INFO(command);
    CHECK(::access((kRepo + "/" + command).c_str(), X_OK) == 0);
  }
  CHECK(commands[1] == "scripts/test.sh");
  // CI runs the README's test command (and the sanitizer stage after it).
  CHECK(etltest::read_file(kRepo + "/.ci/run").find("\nscripts/test.sh\n") != std::string::npos);
}

TEST_CASE("the quick start's main job runs fullstory -> csv against the simulator and says so") {
  etltest::TempDir dir;
  auto options = user_environment(dir);
  options.env["ETLHOST_MAIN_JOB_DIR"] = dir.file("main-job");
  const auto result = etltest::run_process(kRepo + "/scripts/main-job.sh", {}, options);
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(result.err.find("FULLSTORY_API_KEY is not set, so this run talks to the FullStory simulator") !=
        std::string::npos);
  // The simulator's output and state are apart from a real run's: that one starts clean.
  CHECK(result.err.find("events in " + dir.file("main-job/simulator/csv/events.csv")) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("main-job/fullstory.state.json")));
  const std::string csv = etltest::read_file(dir.file("main-job/simulator/csv/events.csv"));
  CHECK(csv.rfind("event_id,IndvId,UserId,SessionId,PageId,EventStart,", 0) == 0);  // the key first
  const auto state = nlohmann::json::parse(etltest::read_file(dir.file("main-job/simulator/fullstory.state.json")));
  CHECK(state["source"] == "fullstory");
  CHECK(state["sink"] == "csv");
  // It names the simulator it came from, so a run against FullStory refuses to resume it.
  CHECK(state["identity"]["source"]["base_url"].get<std::string>().rfind("http://127.0.0.1:", 0) == 0);
  CHECK(state["identity"]["source"]["account"].get<std::string>().size() == 16);
}
