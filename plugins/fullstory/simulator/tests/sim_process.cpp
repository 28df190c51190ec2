#include "sim_process.h"

#include <chrono>
#include <csignal>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace simtest {

namespace {

// The environment of every child: ours, minus the simulator's key variable (each test says
// whether the key comes from the flag or the environment), plus `extra` ("NAME=value").
etltest::ProcessOptions child_options(const std::vector<std::string>& extra) {
  etltest::ProcessOptions options;
  options.unset_env.push_back("FULLSTORY_SIM_API_KEY");
  for (const std::string& entry : extra) {
    const size_t equals = entry.find('=');
    options.env[entry.substr(0, equals)] = equals == std::string::npos ? "" : entry.substr(equals + 1);
  }
  return options;
}

std::string checked_output(const std::vector<std::string>& args) {
  const ProcessResult result = run_sim(args);
  if (result.exit_code != 0) throw std::runtime_error("fullstory-sim failed: " + result.describe());
  return result.out;
}

}  // namespace

ProcessResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& env) {
  return etltest::run_process(program, args, child_options(env));
}

ProcessResult run_sim(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  return run_program(FULLSTORY_SIM_BINARY, args, env);
}

std::vector<std::string> sim_dumped_events(const std::vector<std::string>& config) {
  std::vector<std::string> args = config;
  args.insert(args.end(), {"--dump-events", "-"});
  return etltest::lines_of(checked_output(args));
}

std::vector<std::string> sim_dumped_segment_export(const std::vector<std::string>& config, const std::string& start,
                                                   const std::string& end, const std::string& type,
                                                   const std::string& fields) {
  std::vector<std::string> args = config;
  args.insert(args.end(),
              {"--dump-segment-export", "-", "--export-start", start, "--export-end", end, "--export-type", type});
  if (!fields.empty()) args.insert(args.end(), {"--export-fields", fields});
  return etltest::lines_of(checked_output(args));
}

std::string sim_written_bundle(const std::vector<std::string>& config, std::int64_t id) {
  std::vector<std::string> args = config;
  args.insert(args.end(), {"--write-bundle", std::to_string(id), "-"});
  return checked_output(args);
}

SimServer::SimServer(const std::vector<std::string>& args, const Launch& launch) {
  std::vector<std::string> full_args{"--port", "0", "--port-file", dir_.file("port")};
  if (launch.api_key_flag) full_args.insert(full_args.end(), {"--api-key", kApiKey});
  full_args.insert(full_args.end(), args.begin(), args.end());
  etltest::ProcessOptions options = child_options(launch.env);
  options.stdout_path = dir_.file("stdout");
  options.stderr_path = dir_.file("stderr");  // log() reads it whenever a test asks
  options.timeout = std::chrono::minutes(10);
  process_.emplace(etltest::Process::start(FULLSTORY_SIM_BINARY, full_args, options));

  // Generous: a --cache-dir server generates its bundles before it listens.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!etltest::file_exists(dir_.file("port"))) {
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      const ProcessResult ended = process_->wait(std::chrono::milliseconds(100));
      throw std::runtime_error("fullstory-sim did not start (exit " + std::to_string(ended.exit_code) + "): " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  port_ = static_cast<std::uint16_t>(std::stoi(etltest::read_file(dir_.file("port"))));
}

SimServer::~SimServer() {
  if (process_ && process_->running()) stop();
}

int SimServer::stop() {
  process_->send_signal(SIGTERM);
  return process_->wait().exit_code;
}

std::string SimServer::log() const {
  return etltest::file_exists(dir_.file("stderr")) ? etltest::read_file(dir_.file("stderr")) : std::string();
}

}  // namespace simtest
