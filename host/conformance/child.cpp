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
#include <cstring>
#include <fstream>
#include <sstream>

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

Breadcrumb* g_crumb = nullptr;              // set in a child only
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

bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
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
      if (call.empty()) return "crashed with " + signal_text(signal) + cause + " outside any plugin call (in a thread the plugin started?)";
      return "crashed with " + signal_text(signal) + cause + where;
    }
    case Kind::kExited:
      if (call.empty()) return "the check's process exited with status " + std::to_string(exit_code) + " outside any plugin call (exit() in a plugin thread?)";
      return call + " called exit(" + std::to_string(exit_code) + ")";
    case Kind::kTimedOut:
      if (call.empty()) return "the check did not finish within " + seconds_text(limit_s) + " s (outside any plugin call: a plugin thread blocked the process?)";
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

ChildOutcome run_in_child(const std::function<nlohmann::json()>& body, const ChildOptions& options) {
  ChildOutcome outcome;
  outcome.stdout_path = options.stdout_path;
  outcome.stderr_path = options.stderr_path;

  void* page = ::mmap(nullptr, sizeof(Breadcrumb), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) throw std::runtime_error(std::string("mmap failed: ") + std::strerror(errno));
  auto* crumb = new (page) Breadcrumb{};
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ::munmap(page, sizeof(Breadcrumb));
    throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
  }
  std::fflush(nullptr);  // nothing buffered in the kit may be written twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    ::munmap(page, sizeof(Breadcrumb));
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // The child: a fresh copy of the kit, which has loaded no plugin yet.
    ::setpgid(0, 0);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    g_crumb = crumb;
    ::close(fds[0]);
    redirect(STDIN_FILENO, "/dev/null", O_RDONLY);
    redirect(STDOUT_FILENO, options.stdout_path, O_WRONLY | O_CREAT | O_TRUNC);
    redirect(STDERR_FILENO, options.stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
    std::string payload;
    try {
      payload = body().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& error) {
      payload = nlohmann::json{{"kit_error", error.what()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (...) {
      payload = R"({"kit_error":"unknown exception"})";
    }
    write_all(fds[1], payload);
    ::_exit(0);  // no atexit handlers or static destructors of the plugin: they are not under test here
  }

  // The kit.
  ::setpgid(pid, pid);  // also here, so a kill right away reaches the group
  g_child_group = pid;
  ::close(fds[1]);
  const int64_t start = monotonic_ms();
  const auto overall_ms = static_cast<int64_t>(options.overall_timeout_s * 1000);
  std::string data;
  bool eof = false;
  bool reaped = false;
  bool timed_out = false;
  int status = 0;
  while (true) {
    if (!eof) {
      pollfd poller{fds[0], POLLIN, 0};
      const int ready = ::poll(&poller, 1, 50);
      if (ready > 0) {
        char buffer[65536];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n > 0) data.append(buffer, static_cast<size_t>(n));
        if (n == 0) eof = true;
        if (n < 0 && errno != EINTR && errno != EAGAIN) eof = true;
      }
    } else {
      ::usleep(5000);
    }
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      reaped = true;
      // What is still in the pipe (a grandchild may hold its write end open).
      ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
      char buffer[65536];
      ssize_t n = 0;
      while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) data.append(buffer, static_cast<size_t>(n));
      break;
    }
    const int64_t now = monotonic_ms();
    const int64_t deadline = crumb->deadline_ms.load();
    if (deadline > 0 && now > deadline) {
      outcome.call = crumb->call;
      outcome.note = crumb->note;
      outcome.limit_s = static_cast<double>(crumb->limit_ms.load()) / 1000.0;
      timed_out = true;
    } else if (now - start > overall_ms) {
      outcome.call = "";
      outcome.limit_s = options.overall_timeout_s;
      timed_out = true;
    }
    if (timed_out) {
      kill_group(pid);
      ::waitpid(pid, &status, 0);
      reaped = true;
      break;
    }
  }
  (void)reaped;
  kill_group(pid);  // whatever the plugin forked and left behind
  g_child_group = 0;
  ::close(fds[0]);

  if (timed_out) {
    outcome.kind = ChildOutcome::Kind::kTimedOut;
  } else if (WIFSIGNALED(status)) {
    outcome.kind = ChildOutcome::Kind::kCrashed;
    outcome.signal = WTERMSIG(status);
    outcome.call = crumb->call;
  } else {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    auto parsed = nlohmann::json::parse(data, nullptr, false);
    if (code == 0 && !data.empty() && !parsed.is_discarded()) {
      outcome.kind = ChildOutcome::Kind::kCompleted;
      outcome.result = std::move(parsed);
    } else {
      outcome.kind = ChildOutcome::Kind::kExited;
      outcome.exit_code = code;
      outcome.call = crumb->call;
    }
  }
  crumb->~Breadcrumb();
  ::munmap(page, sizeof(Breadcrumb));
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
                           const std::string& stdout_path, const std::string& stderr_path, double timeout_s) {
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
