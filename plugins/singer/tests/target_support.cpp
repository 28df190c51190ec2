#include "target_support.h"

#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "etlhost_bin.h"
#include "text.h"

namespace singertest {

namespace {
const char* const kStreams[] = {"customers", "orders"};
}  // namespace

std::string target_command(const std::string& loaded_path, const std::string& options) {
  return "'" + std::string(ETL_TEST_TARGET_BIN) + "' --loaded '" + loaded_path + "' " + options;
}

std::vector<std::string> Workspace::arguments(const TargetRun& run, int n) const {
  std::vector<std::string> args{
      "run",
      "demo",
      "to",
      "singer",
      "--set",
      "demo.records=" + std::to_string(run.records),
      "--set",
      "demo.state_every=" + std::to_string(run.state_every),
      "--state",
      state_path(),
      "--checkpoint-interval",
      "0",
      "--target",
      target_command(loaded_path(n), run.target_options + " --pid-file '" + pid_path(n) + "'")};
  args.insert(args.end(), run.extra.begin(), run.extra.end());
  return args;
}

namespace {
// Plugins found next to the binary, as a user's are; time for the 120k-record case.
etltest::ProcessOptions etlhost_options() {
  etltest::ProcessOptions options;
  options.unset_env = {"ETLHOST_PLUGIN_PATH"};
  options.timeout = std::chrono::seconds(240);
  return options;
}
}  // namespace

etltest::ProcessResult run_etlhost(const std::vector<std::string>& args) {
  return etltest::run_process(etltest::etlhost_bin(), args, etlhost_options());
}

etltest::ProcessResult Workspace::run(const TargetRun& run, int n) const { return run_etlhost(arguments(run, n)); }

etltest::Process Workspace::start(const TargetRun& run, int n) const {
  return etltest::Process::start(etltest::etlhost_bin(), arguments(run, n), etlhost_options());
}

std::map<std::string, std::vector<int64_t>> loaded_ids(const std::string& path) {
  std::map<std::string, std::vector<int64_t>> ids;
  if (!etltest::file_exists(path)) return ids;
  for (const std::string& line : etltest::lines_of(etltest::read_file(path))) {
    const size_t tab = line.find('\t');
    REQUIRE_MESSAGE(tab != std::string::npos, "a loaded line without a tab: " << line);
    ids[line.substr(0, tab)].push_back(nlohmann::json::parse(line.substr(tab + 1)).at("id").get<int64_t>());
  }
  return ids;
}

std::map<std::string, int64_t> committed(const std::string& state_path) {
  std::map<std::string, int64_t> state;
  if (!etltest::file_exists(state_path)) return state;
  const auto envelope = nlohmann::json::parse(etltest::read_file(state_path));
  const auto& value = envelope.contains("etlhost_state") ? envelope["state"] : envelope;
  for (const char* stream : kStreams) {
    if (value.is_object() && value.contains(stream)) state[stream] = value[stream].get<int64_t>();
  }
  return state;
}

namespace {
std::set<int64_t> all_ids(const std::vector<std::map<std::string, std::vector<int64_t>>>& loaded,
                          const std::string& stream) {
  std::set<int64_t> ids;
  for (const auto& run : loaded) {
    const auto it = run.find(stream);
    if (it != run.end()) ids.insert(it->second.begin(), it->second.end());
  }
  return ids;
}

void check_ids_present(const std::string& stream, int64_t last,
                       const std::vector<std::map<std::string, std::vector<int64_t>>>& loaded) {
  const std::set<int64_t> ids = all_ids(loaded, stream);
  int64_t missing = 0;
  int64_t first_missing = 0;
  for (int64_t id = 1; id <= last; ++id) {
    if (ids.contains(id)) continue;
    if (missing++ == 0) first_missing = id;
  }
  CHECK_MESSAGE(missing == 0,
                stream << ": " << missing << " of ids 1.." << last << " never loaded (first " << first_missing << ")");
}
}  // namespace

void check_state_is_loaded(const std::map<std::string, int64_t>& state,
                           const std::vector<std::map<std::string, std::vector<int64_t>>>& loaded) {
  for (const auto& [stream, last] : state) check_ids_present(stream, last, loaded);
}

void check_everything_loaded(int64_t records, const std::vector<std::map<std::string, std::vector<int64_t>>>& loaded) {
  for (const char* stream : kStreams) check_ids_present(stream, records, loaded);
}

namespace {
// True while /proc shows the process and it is not a zombie waiting for its reaper.
bool alive(const std::string& pid) {
  if (!etltest::file_exists("/proc/" + pid + "/stat")) return false;
  std::string stat;
  try {
    stat = etltest::read_file("/proc/" + pid + "/stat");
  } catch (const std::exception&) {
    return false;  // it ended between the two calls
  }
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}
}  // namespace

void wait_for_target_exit(const std::string& pid_path) {
  REQUIRE_MESSAGE(etltest::file_exists(pid_path), "the target never started (no " << pid_path << ")");
  std::string pid = etltest::read_file(pid_path);
  while (!pid.empty() && pid.back() == '\n') pid.pop_back();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (alive(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE_MESSAGE(!alive(pid), "the target (pid " << pid << ") still runs 60 s after etlhost ended");
}

}  // namespace singertest
