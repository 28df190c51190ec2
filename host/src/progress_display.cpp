#include "progress_display.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "exit_codes.h"
#include "fd_write.h"
#include "host_error.h"
#include "text_util.h"

namespace etlhost {

namespace {

using Clock = std::chrono::steady_clock;

// How often the ticker looks: the live line's redraw rate, and how soon a plan or a wait
// shows. Plain and json lines still come at --progress-interval.
constexpr auto kTick = std::chrono::milliseconds(250);
// The per-stream text is rebuilt at most this often (it formats every stream).
constexpr auto kDetailEvery = std::chrono::milliseconds(200);

int64_t ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// The counter a source reports its bytes in ("bytes", "bytes_downloaded"), if any.
std::optional<int64_t> bytes_counter(const std::vector<std::pair<std::string, int64_t>>& counters) {
  for (const auto& [name, value] : counters) {
    if (name == "bytes" || name.rfind("bytes_", 0) == 0) return value;
  }
  return std::nullopt;
}

// A live line longer than the terminal wraps, and \r then returns to its last row only:
// every redraw would leave a row behind. Cut to the width (read each time: it may change).
std::string fit_terminal(const std::string& line) {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col < 10) return line;
  return abbreviate(line, static_cast<size_t>(size.ws_col) - 4);  // room for the "..."
}

}  // namespace

ProgressMode resolve_progress_mode(ProgressMode mode, bool stderr_is_terminal) {
  if (mode != ProgressMode::kAuto) return mode;
  return stderr_is_terminal ? ProgressMode::kTty : ProgressMode::kPlain;
}

ProgressDisplay::ProgressDisplay(ProgressSettings settings, Logger& logger, const HostServices& source)
    : settings_(std::move(settings)), logger_(logger), source_(source) {
  settings_.mode = resolve_progress_mode(settings_.mode, isatty(STDERR_FILENO) == 1);
  if (settings_.mode != ProgressMode::kJson) {
    if (!settings_.file.empty())
      logger_.warn("--progress-file " + settings_.file + " is ignored: it is for --progress json");
    return;
  }
  json_fd_ = STDERR_FILENO;
  if (settings_.file.empty()) return;
  // Opened here, before the run starts, so a bad path fails the run before any data moves.
  json_fd_ = open(settings_.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (json_fd_ < 0) {
    throw HostError(exit_code::kUsage, "--progress-file " + settings_.file + ": cannot open it for writing (" +
                                           std::strerror(errno) + "); give a writable path");
  }
  own_json_fd_ = true;
}

ProgressDisplay::~ProgressDisplay() {
  stop();
  if (own_json_fd_) close(json_fd_);
}

void ProgressDisplay::start() {
  started_ = Clock::now();
  next_line_ = started_ + seconds(settings_.interval_s);
  if (settings_.mode == ProgressMode::kOff) return;
  if (settings_.mode == ProgressMode::kJson) {
    write_json(view(), "start");
  }
  thread_ = std::thread([this] { loop(); });
}

void ProgressDisplay::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (settings_.mode == ProgressMode::kTty) logger_.set_live_line("");
  if (settings_.mode == ProgressMode::kJson) write_json(view(), "end");
}

void ProgressDisplay::update(const RunStats& stats) {
  records_.store(stats.total_records(), std::memory_order_relaxed);
  // Rebuilt at most every kDetailEvery, and at each STATE (the end of a unit of work), so
  // the text is never stale for long once records stop. Only the emitting thread gets here.
  const auto now = Clock::now();
  if (now < next_detail_ && stats.states_seen == states_seen_) return;
  next_detail_ = now + kDetailEvery;
  states_seen_ = stats.states_seen;
  std::string detail = stats.records_by_stream();
  std::lock_guard lock(mutex_);
  records_by_stream_ = std::move(detail);
}

void ProgressDisplay::loop() {
  // A --progress-interval shorter than the tick is honoured (the tests use 1 ms).
  const bool interval_lines = settings_.mode != ProgressMode::kTty && settings_.interval_s > 0;
  const Clock::duration period = interval_lines ? std::min<Clock::duration>(kTick, seconds(settings_.interval_s))
                                                : kTick;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    tick(Clock::now());
    lock.lock();
    wake_.wait_for(lock, period, [this] { return stopping_; });
  }
}

void ProgressDisplay::tick(Clock::time_point now) {
  const ProgressView current = view();
  if (!plan_announced_ && !current.plan_counter.empty()) {
    plan_announced_ = true;
    if (settings_.mode == ProgressMode::kJson) write_json(current, "plan");
    else logger_.info(plan_line(current));
  }
  if (settings_.mode == ProgressMode::kTty) {
    logger_.set_live_line(fit_terminal(live_line(current)));
    return;
  }
  if (settings_.interval_s <= 0 || now < next_line_) return;
  next_line_ = now + seconds(settings_.interval_s);
  if (settings_.mode == ProgressMode::kJson) write_json(current, "progress");
  else logger_.info("progress: " + plain_line(current));
}

ProgressView ProgressDisplay::view() const {
  ProgressView out;
  out.elapsed_ms = ms_between(started_, Clock::now());
  out.records = records_.load(std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    out.records_by_stream = records_by_stream_;
  }
  const WorkSnapshot work = source_.work().snapshot();
  const auto counters = source_.counters();
  if (!work.plans.empty()) {
    const auto& [counter, plan] = *work.plans.begin();  // sources plan one counter, as fullstory does
    out.plan_counter = counter;
    out.plan_total = plan.total;
    out.plan_min_ms_per_unit = plan.min_ms_per_unit;
    for (const auto& [name, value] : counters) {
      if (name == counter) out.plan_done = value;
    }
  }
  out.bytes = bytes_counter(counters);
  out.activity = work.activity.kind;
  out.activity_what = work.activity.what;
  if (work.activity.until_ms > 0) {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    out.activity_left_ms = std::max<int64_t>(0, work.activity.until_ms - now_ms);
  }
  out.waited_ms = (work.waiting + work.retrying).count();
  return out;
}

void ProgressDisplay::write_json(const ProgressView& current, const char* kind) {
  nlohmann::json event = progress_event(current, kind);
  if (event.contains("what")) event["what"] = logger_.redact(event["what"].get<std::string>());
  // One write per event: a reader never sees half of one. A failure is dropped (as a log line's).
  write_all(json_fd_, event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

std::string ProgressDisplay::summary_text() const { return summary_part(view()); }

}  // namespace etlhost
