#include "conformance/child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fd_write.h"

namespace etlhost::conformance {

namespace {

// The page shared between the kit and one child. The child writes, the kit reads after the
// child died or its deadline passed, so a torn string at worst garbles one diagnostic.
struct Breadcrumb {
  std::atomic<int64_t> deadline_ms;  // CLOCK_MONOTONIC; 0: no deadline
  std::atomic<int64_t> limit_ms;     // the deadline's length, for the message
  char call[64];
  char note[96];
};

Breadcrumb* g_crumb = nullptr;            // set in a child only
volatile sig_atomic_t g_child_group = 0;  // the running child's process group, in the kit
volatile sig_atomic_t g_stop_signal = 0;  // the kit was asked to stop

int64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

void copy_text(char* out, size_t capacity, const char* text) {
  std::snprintf(out, capacity, "%s", text == nullptr ? "" : text);
}

void redirect(int fd, const std::string& path, int flags) {
  const int opened = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
  if (opened < 0) return;
  ::dup2(opened, fd);
  ::close(opened);
}

void kill_group(pid_t pid) {
  if (pid > 0) ::kill(-pid, SIGKILL);
}

extern "C" void kit_signal_handler(int signal_number) {
  const pid_t group = static_cast<pid_t>(g_child_group);
  if (group > 0) ::kill(-group, SIGKILL);
  if (g_stop_signal != 0) {
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
  }
  g_stop_signal = signal_number;
}

std::string seconds_text(double seconds) {
  char text[32];
  if (std::fabs(seconds - std::round(seconds)) < 0.05) {
    std::snprintf(text, sizeof text, "%.0f", seconds);
  } else {
    std::snprintf(text, sizeof text, "%.1f", seconds);
  }
  return text;
}

}  // namespace

CallScope::CallScope(const char* call, double timeout_s) {
  if (g_crumb == nullptr) return;
  active_ = true;
  copy_text(saved_call_, sizeof saved_call_, g_crumb->call);
  copy_text(saved_note_, sizeof saved_note_, g_crumb->note);
  saved_deadline_ms_ = g_crumb->deadline_ms.load();
  saved_limit_ms_ = g_crumb->limit_ms.load();
  copy_text(g_crumb->call, sizeof g_crumb->call, call);
  g_crumb->note[0] = '\0';
  const auto limit = static_cast<int64_t>(timeout_s * 1000);
  g_crumb->limit_ms.store(limit);
  g_crumb->deadline_ms.store(monotonic_ms() + limit);
}

CallScope::~CallScope() {
  if (!active_) return;
  copy_text(g_crumb->call, sizeof g_crumb->call, saved_call_);
  copy_text(g_crumb->note, sizeof g_crumb->note, saved_note_);
  g_crumb->limit_ms.store(saved_limit_ms_);
  g_crumb->deadline_ms.store(saved_deadline_ms_);
}

void set_call_deadline(double seconds, const char* note) {
  if (g_crumb == nullptr) return;
  copy_text(g_crumb->note, sizeof g_crumb->note, note);
  const auto limit = static_cast<int64_t>(seconds * 1000);
  g_crumb->limit_ms.store(limit);
  g_crumb->deadline_ms.store(monotonic_ms() + limit);
}

std::string current_call() { return g_crumb == nullptr ? std::string() : std::string(g_crumb->call); }

std::string signal_text(int signal_number) {
  switch (signal_number) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGPIPE: return "SIGPIPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    default: return "signal " + std::to_string(signal_number);
  }
}

std::string ChildOutcome::describe() const {
  const std::string where = call.empty() ? std::string() : " in " + call;
  switch (kind) {
    case Kind::kCompleted: return "completed";
    case Kind::kCrashed: {
      std::string cause;
      if (signal == SIGABRT) cause = " (abort(), a failed assert or an uncaught C++ exception)";
      if (signal == SIGSEGV || signal == SIGBUS) cause = " (an invalid memory access)";
      if (signal == SIGFPE) cause = " (an arithmetic fault, e.g. an integer division by zero)";
      if (call.empty())
        return "crashed with " + signal_text(signal) + cause +
               " outside any plugin call (in a thread the plugin started?)";
      return "crashed with " + signal_text(signal) + cause + where;
    }
    case Kind::kExited:
      if (call.empty())
        return "the check's process exited with status " + std::to_string(exit_code) +
               " outside any plugin call (exit() in a plugin thread?)";
      return call + " called exit(" + std::to_string(exit_code) + ")";
    case Kind::kTimedOut:
      if (call.empty())
        return "the check did not finish within " + seconds_text(limit_s) +
               " s (outside any plugin call: a plugin thread blocked the process?)";
      return call + " did not return within " + seconds_text(limit_s) + " s" + (note.empty() ? "" : " " + note);
  }
  return "?";
}

std::string ChildOutcome::advice() const {
  switch (kind) {
    case Kind::kCompleted: return {};
    case Kind::kCrashed:
      return "Reproduce the call under a debugger or with -fsanitize=address,undefined. A plugin turns every "
             "failure into a status and an etl_error message and never lets a signal or a C++ exception cross the "
             "boundary (plugin.h, sections 5 and 6).";
    case Kind::kExited:
      return "Never call exit(), _exit() or abort() in a plugin: return a status with a message in the etl_error "
             "instead, and let the host decide (plugin.h, section 5).";
    case Kind::kTimedOut:
      return "Every call must return. Bound every network and disk wait with a timeout, and check "
             "host->is_cancelled() while waiting, returning ETL_E_CANCELLED promptly (plugin.h, etl_host_api).";
  }
  return {};
}

namespace {

// The breadcrumb's page, shared with the child (MAP_SHARED survives the fork). The child
// leaves with _exit(), so only the kit unmaps it.
class SharedBreadcrumb {
 public:
  SharedBreadcrumb() {
    page_ = ::mmap(nullptr, sizeof(Breadcrumb), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page_ == MAP_FAILED) throw std::runtime_error(std::string("mmap failed: ") + std::strerror(errno));
    crumb_ = new (page_) Breadcrumb{};
  }
  ~SharedBreadcrumb() {
    crumb_->~Breadcrumb();
    ::munmap(page_, sizeof(Breadcrumb));
  }
  SharedBreadcrumb(const SharedBreadcrumb&) = delete;
  SharedBreadcrumb& operator=(const SharedBreadcrumb&) = delete;
  Breadcrumb* get() const { return crumb_; }

 private:
  void* page_ = nullptr;
  Breadcrumb* crumb_ = nullptr;
};

// In the child, a fresh copy of the kit that has loaded no plugin yet: runs `body` with
// stdout and stderr in files and sends its JSON result up the pipe.
[[noreturn]] void run_child_body(const std::function<nlohmann::json()>& body, const ChildOptions& options,
                                 Breadcrumb* crumb, int result_fd) {
  ::setpgid(0, 0);
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGHUP, SIG_DFL);
  g_crumb = crumb;
  redirect(STDIN_FILENO, "/dev/null", O_RDONLY);
  redirect(STDOUT_FILENO, options.stdout_path, O_WRONLY | O_CREAT | O_TRUNC);
  redirect(STDERR_FILENO, options.stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
  std::string payload;
  try {
    payload = body().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception& error) {
    payload = nlohmann::json{{"kit_error", error.what()}}.dump(-1, ' ', false,
                                                               nlohmann::json::error_handler_t::replace);
  } catch (...) {
    payload = R"({"kit_error":"unknown exception"})";
  }
  write_all(result_fd, payload);
  ::_exit(0);  // no atexit handlers or static destructors of the plugin: they are not under test here
}

// What the kit saw of a child until it ended or was killed.
struct ChildWatch {
  std::string data;  // what the body sent up the pipe
  int status = 0;    // waitpid()'s
  bool timed_out = false;
};

// Appends what the pipe holds now, without waiting (a grandchild may hold its write end open).
void drain_pipe(int fd, std::string& data) {
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  char buffer[65536];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) data.append(buffer, static_cast<size_t>(n));
}

// Waits up to 50 ms for the pipe; false at its end (or on an error).
bool read_pipe_once(int fd, std::string& data) {
  pollfd poller{fd, POLLIN, 0};
  if (::poll(&poller, 1, 50) <= 0) return true;
  char buffer[65536];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) data.append(buffer, static_cast<size_t>(n));
  return n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN));
}

// Reads the child's result until it exits, or kills it when the breadcrumb's deadline or
// the whole check's budget passes (then `outcome` names the call and the limit).
ChildWatch watch_child(pid_t pid, int result_fd, const Breadcrumb& crumb, double overall_timeout_s,
                       ChildOutcome& outcome) {
  ChildWatch watch;
  const int64_t start = monotonic_ms();
  const auto overall_ms = static_cast<int64_t>(overall_timeout_s * 1000);
  bool eof = false;
  while (true) {
    if (!eof) {
      eof = !read_pipe_once(result_fd, watch.data);
    } else {
      ::usleep(5000);
    }
    if (::waitpid(pid, &watch.status, WNOHANG) == pid) {
      drain_pipe(result_fd, watch.data);
      return watch;
    }
    const int64_t now = monotonic_ms();
    const int64_t deadline = crumb.deadline_ms.load();
    if (deadline > 0 && now > deadline) {
      outcome.call = crumb.call;
      outcome.note = crumb.note;
      outcome.limit_s = static_cast<double>(crumb.limit_ms.load()) / 1000.0;
      watch.timed_out = true;
    } else if (now - start > overall_ms) {
      outcome.call = "";
      outcome.limit_s = overall_timeout_s;
      watch.timed_out = true;
    }
    if (watch.timed_out) {
      kill_group(pid);
      ::waitpid(pid, &watch.status, 0);
      return watch;
    }
  }
}

// The verdict on an ended child: completed (with its result), crashed, exited or timed out.
void classify_outcome(const ChildWatch& watch, const Breadcrumb& crumb, ChildOutcome& outcome) {
  if (watch.timed_out) {
    outcome.kind = ChildOutcome::Kind::kTimedOut;
  } else if (WIFSIGNALED(watch.status)) {
    outcome.kind = ChildOutcome::Kind::kCrashed;
    outcome.signal = WTERMSIG(watch.status);
    outcome.call = crumb.call;
  } else {
    const int code = WIFEXITED(watch.status) ? WEXITSTATUS(watch.status) : -1;
    auto parsed = nlohmann::json::parse(watch.data, nullptr, false);
    if (code == 0 && !watch.data.empty() && !parsed.is_discarded()) {
      outcome.kind = ChildOutcome::Kind::kCompleted;
      outcome.result = std::move(parsed);
    } else {
      outcome.kind = ChildOutcome::Kind::kExited;
      outcome.exit_code = code;
      outcome.call = crumb.call;
    }
  }
}

}  // namespace

ChildOutcome run_in_child(const std::function<nlohmann::json()>& body, const ChildOptions& options) {
  ChildOutcome outcome;
  outcome.stdout_path = options.stdout_path;
  outcome.stderr_path = options.stderr_path;

  const SharedBreadcrumb crumb;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
  std::fflush(nullptr);  // nothing buffered in the kit may be written twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child_body(body, options, crumb.get(), fds[1]);
  }

  ::setpgid(pid, pid);  // also here, so a kill right away reaches the group
  g_child_group = pid;
  ::close(fds[1]);
  const ChildWatch watch = watch_child(pid, fds[0], *crumb.get(), options.overall_timeout_s, outcome);
  kill_group(pid);  // whatever the plugin forked and left behind
  g_child_group = 0;
  ::close(fds[0]);
  classify_outcome(watch, *crumb.get(), outcome);
  return outcome;
}

int kit_stop_signal() { return static_cast<int>(g_stop_signal); }

void install_kit_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = &kit_signal_handler;
  sigemptyset(&action.sa_mask);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &action, nullptr);
}

SpawnResult spawn_and_wait(const std::string& program, const std::vector<std::string>& args,
                           const std::string& stdout_path, const std::string& stderr_path, double timeout_s,
                           const std::vector<std::pair<std::string, std::string>>& environment) {
  std::vector<std::string> argv_text{program};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    redirect(STDIN_FILENO, "/dev/null", O_RDONLY);
    redirect(STDOUT_FILENO, stdout_path, O_WRONLY | O_CREAT | O_APPEND);
    redirect(STDERR_FILENO, stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
    for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  g_child_group = pid;
  SpawnResult result;
  const int64_t deadline = monotonic_ms() + static_cast<int64_t>(timeout_s * 1000);
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (monotonic_ms() > deadline) {
      result.timed_out = true;
      kill_group(pid);
      ::waitpid(pid, &status, 0);
      break;
    }
    ::usleep(2000);
  }
  kill_group(pid);
  g_child_group = 0;
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.stderr_text = read_text_file(stderr_path, 1u << 20);
  return result;
}

std::string tail_lines(const std::string& text, size_t lines) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  size_t found = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++found == lines) break;
    --pos;
  }
  std::string out = text.substr(pos);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string read_text_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string out(max_bytes, '\0');
  in.read(out.data(), static_cast<std::streamsize>(max_bytes));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

}  // namespace etlhost::conformance
