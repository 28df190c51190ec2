#include "target_output.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace singer {

namespace {

using Clock = std::chrono::steady_clock;

// The longest stdout line read as a STATE (a STATE value can be large; a longer line is
// cut, so it cannot parse and is ignored with a warning).
constexpr size_t kMaxStateLineBytes = size_t{16} << 20;
// The longest stderr line relayed; the rest of a longer one is dropped.
constexpr size_t kMaxStderrLineBytes = 4096;
// How many of the target's last stderr lines an error message can quote.
constexpr size_t kStderrTailLines = 20;
// How often the reader looks up from poll() to see whether it should stop.
constexpr int kReaderPollMs = 100;
// The most of a STATE value a warning quotes.
constexpr size_t kStateExcerptBytes = 200;

constexpr Clock::rep kNoDeadline = std::numeric_limits<Clock::rep>::max();

std::string excerpt(std::string_view text) {
  return text.size() <= kStateExcerptBytes ? std::string(text)
                                           : std::string(text.substr(0, kStateExcerptBytes)) + "...";
}

}  // namespace

TargetOutput::TargetOutput(const etl::Host& host, std::string target_name, int stdout_fd, int stderr_fd,
                           int state_file_fd, StateLedger& ledger)
    : host_(host),
      name_(std::move(target_name)),
      stdout_fd_(stdout_fd),
      stderr_fd_(stderr_fd),
      state_file_fd_(state_file_fd),
      ledger_(ledger),
      stop_at_(kNoDeadline),
      thread_([this] { run(); }) {}

TargetOutput::~TargetOutput() { finish(Clock::now()); }

void TargetOutput::finish(Clock::time_point deadline) {
  stop_at_.store(deadline.time_since_epoch().count());
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> TargetOutput::stderr_tail() const {
  const std::lock_guard lock(tail_mutex_);
  return {tail_.begin(), tail_.end()};
}

void TargetOutput::run() noexcept {
  LineSplitter out_lines(kMaxStateLineBytes);
  LineSplitter err_lines(kMaxStderrLineBytes);
  // Local copies: -1 marks a pipe that ended. The descriptors stay open (the caller's).
  int out_fd = stdout_fd_;
  int err_fd = stderr_fd_;
  while ((out_fd >= 0 || err_fd >= 0) && Clock::now().time_since_epoch().count() < stop_at_.load()) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};  // poll() skips a negative fd
    if (::poll(fds, 2, kReaderPollMs) <= 0) continue;
    if (fds[0].revents != 0) read_available(out_fd, out_lines, true);
    if (fds[1].revents != 0) read_available(err_fd, err_lines, false);
  }
  out_lines.end([this](std::string_view line, bool cut) { on_stdout_line(line, cut); });
  err_lines.end([this](std::string_view line, bool cut) { on_stderr_line(line, cut); });
}

void TargetOutput::read_available(int& fd, LineSplitter& lines, bool is_stdout) {
  char buffer[65536];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    fd = -1;  // the end, or an error that will not heal
    return;
  }
  const std::string_view bytes(buffer, static_cast<size_t>(n));
  if (is_stdout) {
    lines.feed(bytes, [this](std::string_view line, bool cut) { on_stdout_line(line, cut); });
  } else {
    lines.feed(bytes, [this](std::string_view line, bool cut) { on_stderr_line(line, cut); });
  }
}

void TargetOutput::on_stdout_line(std::string_view line, bool was_cut) {
  if (was_cut) {
    host_.warn(name_ + " printed a line longer than " + std::to_string(kMaxStateLineBytes >> 20) +
               " MiB on stdout; ignored (it cannot acknowledge a STATE)");
    return;
  }
  const auto message = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (!message.is_object() || message.value("type", "") != "STATE") {
    host_.debug(name_ + " printed a line on stdout that is not a Singer STATE; ignored");
    return;
  }
  if (state_file_fd_ >= 0 && !state_file_failed_) {
    std::string text(line);
    text.push_back('\n');
    if (::write(state_file_fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      state_file_failed_ = true;
      host_.warn(std::string("cannot append the target's STATE to target_state_file: ") + std::strerror(errno) +
                 "; no further STATE is written there (etlhost's own --state is unaffected)");
    }
  }
  const auto value = message.find("value");
  if (value == message.end()) {
    host_.warn(name_ + " printed a STATE without a \"value\"; ignored");
    return;
  }
  if (ledger_.heard(*value) == StateLedger::Heard::kUnknown) {
    host_.warn(name_ +
               " emitted a STATE whose value matches no STATE etlhost sent it and it has not yet "
               "acknowledged: " +
               excerpt(value->dump()) + "; ignored, the state does not advance on it");
  }
}

void TargetOutput::on_stderr_line(std::string_view line, bool was_cut) {
  std::string text(line);
  if (was_cut) text += " [cut at " + std::to_string(kMaxStderrLineBytes) + " bytes]";
  host_.info(name_ + ": " + text);
  const std::lock_guard lock(tail_mutex_);
  if (tail_.size() == kStderrTailLines) tail_.pop_front();
  tail_.push_back(std::move(text));
}

}  // namespace singer
