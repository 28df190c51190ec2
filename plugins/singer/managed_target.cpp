#include "managed_target.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

namespace singer {

namespace {

using Clock = std::chrono::steady_clock;

// After the end of its input, how long an aborted run waits for the target to load what
// it has and exit on its own before SIGTERM (it may still acknowledge STATEs meanwhile).
constexpr std::chrono::seconds kStopGrace{10};
// After SIGTERM, how long before SIGKILL.
constexpr std::chrono::seconds kTerminateGrace{5};
// After the target exited, how long its output may take to reach its end (a child of the
// target that inherited the pipes could hold them open forever).
constexpr std::chrono::seconds kOutputDrain{2};
// How often a wait looks at the stop request.
constexpr std::chrono::milliseconds kWaitSlice{100};
// An error message quotes the target's last stderr lines up to this many bytes (the whole
// message must fit the host's error buffer; every line was also relayed to the log).
constexpr size_t kQuotedStderrBytes = 600;

// "target-postgres" for "target-postgres --config t.json", "'/opt/x/bin/t'" -> "t"; leading
// VAR=value assignments are skipped.
std::string program_name(const std::string& command) {
  size_t start = 0;
  while (true) {
    start = command.find_first_not_of(" \t", start);
    if (start == std::string::npos) return "target";
    const size_t end = command.find_first_of(" \t", start);
    std::string word = command.substr(start, end - start);
    if (word.find('=') == std::string::npos || end == std::string::npos) {
      // A quoted program ('/opt/x/bin/t') loses its quotes (it is only a log prefix).
      std::erase_if(word, [](char c) { return c == '\'' || c == '"'; });
      const size_t slash = word.rfind('/');
      return slash == std::string::npos ? word : word.substr(slash + 1);
    }
    start = end;
  }
}

int open_state_file(const std::string& path) {
  if (path.empty()) return -1;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw etl::Error(ETL_E_IO, "target_state_file " + path + ": cannot open it for appending: " + std::strerror(errno),
                     errno);
  }
  return fd;
}

}  // namespace

struct ManagedTarget::Running {
  Running(const etl::Host& host, const std::string& command, const std::string& name, const std::string& state_file,
          StateLedger& ledger, std::function<void()> while_blocked)
      : process(command),
        state_file_fd(open_state_file(state_file)),
        input(process.stdin_fd(), "the stdin of the target `" + name + "`", std::move(while_blocked)),
        output(host, name, process.stdout_fd(), process.stderr_fd(), state_file_fd, ledger) {}
  ~Running() {
    output.finish(Clock::now());  // the reader stops before the file it appends to closes
    if (state_file_fd >= 0) ::close(state_file_fd);
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

  // Destroyed last: ~TargetProcess kills (SIGKILL) and reaps a target that is still
  // running, so no child outlives the sink.
  TargetProcess process;
  int state_file_fd;
  FdWriter input;
  TargetOutput output;
};

ManagedTarget::ManagedTarget(const etl::Host& host, std::string command, std::string state_file)
    : host_(host), command_(std::move(command)), name_(program_name(command_)), state_file_(std::move(state_file)) {}

ManagedTarget::~ManagedTarget() = default;

void ManagedTarget::start() {
  running_ = std::make_unique<Running>(host_, command_, name_, state_file_, ledger_, [this] { input_blocked(); });
  host_.info("started the Singer target `" + command_ + "`; state advances only as far as its STATE output says");
}

FdWriter& ManagedTarget::input() { return running_->input; }

// A full pipe is the normal state with a slow target: the write waits. After a stop request
// it waits kStopGrace more (the source stops at its next emit), then gives up on a target
// that reads nothing.
void ManagedTarget::input_blocked() {
  if (!host_.cancelled()) return;
  const auto now = Clock::now();
  if (!stop_seen_) stop_seen_ = now;
  if (now - *stop_seen_ < kStopGrace) return;
  running_->process.signal_group(SIGTERM);
  fail("read nothing for " + std::to_string(kStopGrace.count()) + " s after the stop request and was sent SIGTERM",
       std::nullopt);
}

void ManagedTarget::flush() {
  if (running_) deliver([](FdWriter& input) { input.flush(); });
}

void ManagedTarget::discard() noexcept {
  if (running_) running_->input.discard();
}

void ManagedTarget::finish(bool aborted) {
  if (!running_) return;  // never started: nothing was written, nothing to wait for
  if (!failure_) {
    try {
      running_->input.flush();
    } catch (const etl::Error& error) {
      if (error.code() != ETL_E_CLOSED) throw;
      closed_early();
    }
  }
  running_->process.close_stdin();
  const std::optional<TargetExit> exit = wait_for_exit(aborted);
  running_->output.finish(Clock::now() + kOutputDrain);
  if (failure_) return;  // already reported by write() or flush(); the acks are final now
  if (!exit) {
    host_.warn("the Singer target `" + name_ + "` did not exit after the end of its input and was stopped");
    return;
  }
  if (!exit->succeeded()) fail(exit->describe(), exit);
}

// nullopt: etlhost had to stop it (an aborted run, or a stop request while waiting).
std::optional<TargetExit> ManagedTarget::wait_for_exit(bool aborted) {
  TargetProcess& process = running_->process;
  auto deadline = aborted ? Clock::now() + kStopGrace : Clock::time_point::max();
  while (true) {
    if (auto exit = process.wait_until(std::min(deadline, Clock::now() + kWaitSlice))) return exit;
    if (deadline == Clock::time_point::max() && host_.cancelled()) deadline = Clock::now() + kStopGrace;
    if (Clock::now() >= deadline) break;
  }
  host_.warn("the Singer target `" + name_ + "` is still running " + std::to_string(kStopGrace.count()) +
             " s after the end of its input; sending it SIGTERM");
  process.signal_group(SIGTERM);
  if (process.wait_until(Clock::now() + kTerminateGrace)) return std::nullopt;
  process.signal_group(SIGKILL);
  process.wait_until(Clock::time_point::max());
  return std::nullopt;
}

void ManagedTarget::closed_early() {
  // The target stopped reading: most likely it is exiting; its status says why.
  TargetProcess& process = running_->process;
  std::optional<TargetExit> exit = process.wait_until(Clock::now() + kStopGrace);
  if (exit) running_->output.finish(Clock::now() + kOutputDrain);
  fail("stopped reading its input before the end of the stream (it closed its stdin) and " +
           (exit ? exit->describe() : std::string("is still running")),
       exit);
}

void ManagedTarget::fail(const std::string& what_happened, std::optional<TargetExit> exit) {
  failure_ = error_text(what_happened);
  throw etl::Error(ETL_E_DOWNSTREAM, *failure_, exit ? exit->shell_status() : 0);
}

std::string ManagedTarget::error_text(const std::string& what_happened) const {
  const uint64_t acked = ledger_.acknowledged();
  std::string text = "the Singer target `" + command_ + "` " + what_happened + ". State stays at the last STATE it " +
                     "acknowledged (" + std::to_string(acked) + " of " + std::to_string(ledger_.written()) +
                     " sent in this run); the next run sends everything after it again. Fix the target (its " +
                     "messages are in the log, prefixed '" + name_ + ":') and run again.";
  // The newest stderr lines that fit, oldest of them first: the cause is usually last.
  const std::vector<std::string> tail = running_->output.stderr_tail();
  std::string quoted;
  for (auto line = tail.rbegin(); line != tail.rend(); ++line) {
    if (quoted.size() + line->size() + 3 > kQuotedStderrBytes) break;
    quoted = " | " + *line + quoted;
  }
  if (!quoted.empty()) text += " Its last lines on stderr:" + quoted;
  return text;
}

}  // namespace singer
