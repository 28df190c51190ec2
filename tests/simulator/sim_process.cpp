#include "sim_process.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace simtest {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The child's environment: ours, minus the simulator's key variable, plus `extra`.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::string_view(*entry).starts_with("FULLSTORY_SIM_API_KEY=")) continue;
    env.emplace_back(*entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

pid_t spawn(const std::string& program, const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& stdout_path, const std::string& stderr_path) {
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = child_environment(env);
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start " + program);
  return pid;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return exit_code_of(status);
}

}  // namespace

ProcessResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& env) {
  const TempDir dir;
  const pid_t pid = spawn(program, args, env, dir.file("stdout"), dir.file("stderr"));
  const int code = wait_for(pid);
  return {code, read_file(dir.file("stdout")), read_file(dir.file("stderr"))};
}

ProcessResult run_sim(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  return run_program(FULLSTORY_SIM_BINARY, args, env);
}

namespace {

std::string checked_output(const std::vector<std::string>& args) {
  const ProcessResult result = run_sim(args);
  if (result.exit_code != 0) throw std::runtime_error("fullstory-sim failed: " + result.err);
  return result.out;
}

}  // namespace

std::vector<std::string> sim_dumped_events(const std::vector<std::string>& config) {
  std::vector<std::string> args = config;
  args.insert(args.end(), {"--dump-events", "-"});
  std::vector<std::string> lines;
  std::istringstream out(checked_output(args));
  for (std::string line; std::getline(out, line);) lines.push_back(line);
  return lines;
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
  pid_ = spawn(FULLSTORY_SIM_BINARY, full_args, launch.env, dir_.file("stdout"), dir_.file("stderr"));

  // Generous: a --cache-dir server generates its bundles before it listens.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!std::filesystem::exists(dir_.file("port"))) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("fullstory-sim exited with " + std::to_string(exit_code_of(status)) + ": " + log());
    }
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("fullstory-sim did not start: " + log());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  port_ = static_cast<std::uint16_t>(std::stoi(read_file(dir_.file("port"))));
}

SimServer::~SimServer() {
  if (pid_ > 0) stop();
}

int SimServer::stop() {
  kill(pid_, SIGTERM);
  const int code = wait_for(pid_);
  pid_ = -1;
  return code;
}

std::string SimServer::log() const { return read_file(dir_.file("stderr")); }

}  // namespace simtest
