#include "target_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>
#include <vector>

#include "etlhost/plugin.hpp"

extern char** environ;

namespace singer {

namespace {

// How often wait_until() looks whether the target exited.
constexpr std::chrono::milliseconds kExitPollInterval{10};

// Owns posix_spawn's C structures and the pipes for one start.
struct SpawnSetup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};

  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    // The child's ends always; ours only when they were not handed over (a failed start).
    for (int* pipe : {in, out, err}) {
      for (int i = 0; i < 2; ++i) {
        if (pipe[i] >= 0) ::close(pipe[i]);
      }
    }
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

[[noreturn]] void cannot_start(const std::string& command, const char* step, int error) {
  throw etl::Error(ETL_E_DOWNSTREAM,
                   "cannot start the Singer target `" + command + "`: " + step + ": " + std::strerror(error), error);
}

int take(int& fd) {
  const int out = fd;
  fd = -1;
  return out;
}

}  // namespace

std::string TargetExit::describe() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return "was killed by signal " + std::to_string(signal) +
           (name != nullptr ? std::string(" (SIG") + name + ")" : "");
  }
  std::string text = "exited with status " + std::to_string(code);
  if (code == 127) text += " (command not found)";
  if (code == 126) text += " (not executable)";
  return text;
}

TargetProcess::TargetProcess(const std::string& command) {
  SpawnSetup setup;
  if (::pipe2(setup.in, O_CLOEXEC) != 0 || ::pipe2(setup.out, O_CLOEXEC) != 0 || ::pipe2(setup.err, O_CLOEXEC) != 0) {
    cannot_start(command, "pipe2", errno);
  }
  // dup2 clears O_CLOEXEC on the new descriptor, so exactly 0, 1 and 2 reach the target.
  posix_spawn_file_actions_adddup2(&setup.actions, setup.in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, setup.out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, setup.err[1], STDERR_FILENO);
  // Default dispositions (etlhost ignores SIGPIPE, and an ignored signal survives exec) and
  // nothing blocked, whatever the calling thread had.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (const int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM}) {
    sigaddset(&defaults, sig);
  }
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  posix_spawnattr_setsigmask(&setup.attributes, &empty_mask);
  posix_spawnattr_setpgroup(&setup.attributes, 0);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  // `exec` so the shell becomes the target: its exit status and signals are the target's.
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string script = "exec " + command;
  std::vector<char*> argv{shell.data(), dash_c.data(), script.data(), nullptr};
  const int error = ::posix_spawn(&pid_, shell.c_str(), &setup.actions, &setup.attributes, argv.data(), environ);
  if (error != 0) {
    pid_ = -1;
    cannot_start(command, "posix_spawn /bin/sh", error);
  }
  stdin_fd_ = take(setup.in[1]);
  stdout_fd_ = take(setup.out[0]);
  stderr_fd_ = take(setup.err[0]);
  // Our end only (its own open file description): a full pipe makes write() wait in poll(),
  // where a stop request is noticed.
  ::fcntl(stdin_fd_, F_SETFL, ::fcntl(stdin_fd_, F_GETFL) | O_NONBLOCK);
}

TargetProcess::~TargetProcess() {
  if (pid_ > 0 && !exit_) {
    signal_group(SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  close_stdin();
  for (int* fd : {&stdout_fd_, &stderr_fd_}) {
    if (*fd >= 0) ::close(take(*fd));
  }
}

void TargetProcess::close_stdin() noexcept {
  if (stdin_fd_ >= 0) ::close(take(stdin_fd_));
}

std::optional<TargetExit> TargetProcess::poll_exit() {
  if (exit_ || pid_ <= 0) return exit_;
  int status = 0;
  pid_t reaped = 0;
  do {
    reaped = ::waitpid(pid_, &status, WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  if (reaped != pid_) return std::nullopt;
  exit_ = WIFSIGNALED(status) ? TargetExit{0, WTERMSIG(status)} : TargetExit{WEXITSTATUS(status), 0};
  return exit_;
}

std::optional<TargetExit> TargetProcess::wait_until(std::chrono::steady_clock::time_point deadline) {
  while (!poll_exit() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(kExitPollInterval);
  return exit_;
}

void TargetProcess::signal_group(int signal_number) noexcept {
  if (pid_ > 0 && !exit_) ::kill(-pid_, signal_number);
}

}  // namespace singer
