// `etlhost run SRC to singer | head`: when the reader goes away the run ends quietly with
// exit 141, and the state file holds only commits made before that. (commit_when_written:
// by default a piped singer commits nothing at all, plugins/singer/tests/stdout_mode_test.cpp.)
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

TEST_CASE("demo -> singer | head -n 3: exit 141, no error message, a valid state file") {
  etltest::TempDir dir;
  // bash, not sh: PIPESTATUS gives etlhost's own exit status, not head's.
  const std::string pipeline = "'" + e2e::etlhost_bin() + "' run demo to singer --set demo.records=2000000 " +
                               "--set singer.commit_when_written=true --state '" + dir.file("state.json") + "' 2>'" +
                               dir.file("stderr.txt") + "' | head -n 3 >/dev/null; echo \"${PIPESTATUS[0]}\"";
  const auto shell = etltest::run_process("bash", {"-c", pipeline}, e2e::etlhost_options());
  REQUIRE_MESSAGE(shell.exit_code == 0, shell.describe());
  CHECK(shell.out == "141\n");
  const std::string log = etltest::read_file(dir.file("stderr.txt"));
  CHECK_MESSAGE(log.find("ERROR") == std::string::npos, log);
  CHECK_MESSAGE(log.find("WARN") == std::string::npos, log);
  // The baseline commit was made; any later commit only covers what stdout accepted.
  const auto envelope = nlohmann::json::parse(etltest::read_file(dir.file("state.json")));
  CHECK(envelope["source"] == "demo");
  CHECK(envelope["sink"] == "singer");
  if (!envelope["state"].is_null()) {
    CHECK(envelope["state"]["customers"].get<int64_t>() % 1000 == 0);  // a real STATE, at a batch end
    CHECK(envelope["state"]["customers"].get<int64_t>() < 2000000);
  }
}
