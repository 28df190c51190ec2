#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace etltest {

namespace {

using Clock = std::chrono::steady_clock;

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = SIG_IGN;
    sigemptyset(&action.sa_mask);
    sigaction(SIGPIPE, &action, nullptr);
  });
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("etltest::Process: " + what + ": " + std::strerror(errno));
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::vector<std::string> build_environment(const ProcessOptions& options) {
  std::map<std::string, std::string> vars;
  if (!options.clear_env) {
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      const std::string text(*entry);
      const size_t equals = text.find('=');
      if (equals != std::string::npos) vars[text.substr(0, equals)] = text.substr(equals + 1);
    }
  }
  for (const std::string& name : options.unset_env) vars.erase(name);
  for (const auto& [name, value] : options.env) vars[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

// Owns posix_spawn's C structures for one start() call.
struct SpawnSetup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

std::string ProcessResult::describe() const {
  std::string text = "exit code " + std::to_string(exit_code);
  if (signal != 0) text += " (signal " + std::to_string(signal) + ")";
  if (timed_out) text += " (TIMED OUT, killed)";
  text += "\n--- stdout (" + std::to_string(out.size()) + " bytes) ---\n" + out.substr(0, 4000);
  text += "\n--- stderr (" + std::to_string(err.size()) + " bytes) ---\n" + err.substr(0, 8000);
  return text;
}

Process Process::start(const std::string& program, const std::vector<std::string>& args,
                       const ProcessOptions& options) {
  ignore_sigpipe_once();
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  int in_pipe[2] = {-1, -1};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) fail("pipe2");
  if (options.stdin_text && ::pipe2(in_pipe, O_CLOEXEC) != 0) fail("pipe2");

  SpawnSetup setup;
  // dup2 clears O_CLOEXEC on the target fd, so only 0, 1 and 2 reach the child.
  if (options.stdin_text) {
    posix_spawn_file_actions_adddup2(&setup.actions, in_pipe[0], STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  if (options.stdout_path.empty()) {
    posix_spawn_file_actions_adddup2(&setup.actions, out_pipe[1], STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, options.stdout_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  if (options.stderr_path.empty()) {
    posix_spawn_file_actions_adddup2(&setup.actions, err_pipe[1], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, options.stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  if (!options.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&setup.actions, options.working_dir.c_str());
  }
  // A clean slate: default dispositions for the signals tests care about, nothing blocked.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&defaults, sig);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  posix_spawnattr_setsigmask(&setup.attributes, &empty_mask);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> argv_text{program};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = build_environment(options);
  std::vector<char*> envp;
  for (std::string& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);

  Process process;
  const int error = ::posix_spawnp(&process.pid_, program.c_str(), &setup.actions, &setup.attributes, argv.data(),
                                   envp.data());
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (in_pipe[0] >= 0) ::close(in_pipe[0]);
  process.out_fd_ = out_pipe[0];
  process.err_fd_ = err_pipe[0];
  process.in_fd_ = in_pipe[1];
  if (error != 0) {
    process.pid_ = -1;
    errno = error;
    fail("posix_spawnp " + program);
  }
  set_nonblocking(process.out_fd_);
  set_nonblocking(process.err_fd_);
  if (process.in_fd_ >= 0) {
    set_nonblocking(process.in_fd_);
    process.stdin_left_ = *options.stdin_text;
    if (process.stdin_left_.empty()) {
      ::close(process.in_fd_);
      process.in_fd_ = -1;
    }
  }
  process.deadline_ = Clock::now() + options.timeout;
  return process;
}

Process::Process(Process&& other) noexcept { *this = std::move(other); }

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    reset();
    pid_ = std::exchange(other.pid_, -1);
    exited_ = other.exited_;
    status_ = other.status_;
    out_fd_ = std::exchange(other.out_fd_, -1);
    err_fd_ = std::exchange(other.err_fd_, -1);
    in_fd_ = std::exchange(other.in_fd_, -1);
    stdin_left_ = std::move(other.stdin_left_);
    out_ = std::move(other.out_);
    err_ = std::move(other.err_);
    deadline_ = other.deadline_;
  }
  return *this;
}

Process::~Process() { reset(); }

void Process::reset() noexcept {
  if (running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
    exited_ = true;
  }
  close_fds();
  pid_ = -1;
}

void Process::close_fds() noexcept {
  for (int* fd : {&out_fd_, &err_fd_, &in_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void Process::send_signal(int signal_number) {
  if (running()) ::kill(pid_, signal_number);
}

bool Process::running() {
  check_exit();
  return pid_ > 0 && !exited_;
}

void Process::check_exit() {
  if (pid_ <= 0 || exited_) return;
  int status = 0;
  const pid_t result = ::waitpid(pid_, &status, WNOHANG);
  if (result == pid_) {
    exited_ = true;
    status_ = status;
  }
}

void Process::pump(std::chrono::milliseconds max_wait) {
  std::vector<pollfd> fds;
  if (out_fd_ >= 0) fds.push_back({out_fd_, POLLIN, 0});
  if (err_fd_ >= 0) fds.push_back({err_fd_, POLLIN, 0});
  if (in_fd_ >= 0) fds.push_back({in_fd_, POLLOUT, 0});
  if (fds.empty()) {
    // Both outputs are closed: only the exit is left to wait for.
    if (!exited_) ::usleep(static_cast<useconds_t>(std::min<int64_t>(max_wait.count(), 10) * 1000));
    return;
  }
  ::poll(fds.data(), fds.size(), static_cast<int>(max_wait.count()));
  char buffer[65536];
  for (const pollfd& entry : fds) {
    if (entry.revents == 0) continue;
    if (entry.fd == in_fd_) {
      const ssize_t n = ::write(in_fd_, stdin_left_.data(), stdin_left_.size());
      if (n > 0) stdin_left_.erase(0, static_cast<size_t>(n));
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || stdin_left_.empty()) {
        ::close(in_fd_);  // all fed, or the child closed its end (EPIPE)
        in_fd_ = -1;
      }
      continue;
    }
    std::string& sink = entry.fd == out_fd_ ? out_ : err_;
    int& fd = entry.fd == out_fd_ ? out_fd_ : err_fd_;
    while (true) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) {
        sink.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
      ::close(fd);  // EOF or error
      fd = -1;
      break;
    }
  }
}

bool Process::wait_for(const std::string& stream, std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (stream.find(needle) == std::string::npos) {
    const auto now = Clock::now();
    if (now >= deadline) return false;
    const size_t before = out_.size() + err_.size();
    pump(
        std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now), std::chrono::milliseconds(50)));
    check_exit();
    // Once the child is gone and nothing more arrives, the needle is not coming.
    if (!running() && out_.size() + err_.size() == before) return stream.find(needle) != std::string::npos;
  }
  return true;
}

bool Process::wait_for_stderr(std::string_view needle, std::chrono::milliseconds timeout) {
  return wait_for(err_, needle, timeout);
}

bool Process::wait_for_stdout(std::string_view needle, std::chrono::milliseconds timeout) {
  return wait_for(out_, needle, timeout);
}

ProcessResult Process::wait(std::optional<std::chrono::milliseconds> timeout) {
  ProcessResult result;
  const auto deadline = timeout ? Clock::now() + *timeout : deadline_;
  while (true) {
    check_exit();
    if (!running()) break;
    const auto now = Clock::now();
    if (now >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      exited_ = true;
      result.timed_out = true;
      break;
    }
    pump(
        std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now), std::chrono::milliseconds(50)));
  }
  // Drain what the child left in the pipes. A grandchild still holding them open would
  // block EOF forever, so this stops at the first moment nothing more is available.
  for (int round = 0; round < 1000 && (out_fd_ >= 0 || err_fd_ >= 0); ++round) {
    const size_t before = out_.size() + err_.size();
    pump(std::chrono::milliseconds(20));
    if (out_.size() + err_.size() == before) break;
  }
  close_fds();
  if (WIFEXITED(status_)) {
    result.exit_code = WEXITSTATUS(status_);
  } else if (WIFSIGNALED(status_)) {
    result.signal = WTERMSIG(status_);
    result.exit_code = 128 + result.signal;
  }
  result.out = out_;
  result.err = err_;
  return result;
}

ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const ProcessOptions& options) {
  return Process::start(program, args, options).wait();
}

}  // namespace etltest
