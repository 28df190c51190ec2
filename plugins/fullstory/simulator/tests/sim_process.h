// sim_process.h: running the real fullstory-sim binary as a child process.
#pragma once

#include <sys/types.h>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "files.h"
#include "process.h"

namespace simtest {

inline constexpr const char* kApiKey = "sim-test-key";

using etltest::TempDir;

using etltest::ProcessResult;

// Runs a program to completion, capturing stdout and stderr. `env` entries ("NAME=value")
// are added to the environment, from which FULLSTORY_SIM_API_KEY is always removed.
ProcessResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {});

// Runs fullstory-sim to completion (offline modes, bad flags).
ProcessResult run_sim(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// --dump-events of `config`: the ground truth, one compact JSON event per line.
std::vector<std::string> sim_dumped_events(const std::vector<std::string>& config);
// --dump-segment-export of `config` for [start, end): the records, one compact JSON per line.
std::vector<std::string> sim_dumped_segment_export(const std::vector<std::string>& config, const std::string& start,
                                                   const std::string& end, const std::string& type = "TYPE_EVENT",
                                                   const std::string& fields = "");
// --write-bundle of `config`: bundle `id`'s gzip body as served.
std::string sim_written_bundle(const std::vector<std::string>& config, std::int64_t id);

// A listening fullstory-sim on 127.0.0.1, stopped with SIGTERM when destroyed.
class SimServer {
 public:
  struct Launch {
    bool api_key_flag = true;      // pass --api-key kApiKey
    std::vector<std::string> env;  // extra "NAME=value" entries
  };

  // Adds --port 0 --port-file (and --api-key) and waits until the server listens.
  explicit SimServer(const std::vector<std::string>& args) : SimServer(args, Launch{}) {}
  SimServer(const std::vector<std::string>& args, const Launch& launch);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  std::uint16_t port() const { return port_; }
  // Sends SIGTERM and waits; returns the exit code (128 + signal if killed).
  int stop();
  // Everything the server wrote to stderr so far.
  std::string log() const;

 private:
  TempDir dir_;
  std::optional<etltest::Process> process_;
  std::uint16_t port_ = 0;
};

}  // namespace simtest
