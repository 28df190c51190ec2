// Reads a managed target's stdout and stderr in a thread of its own, so the target never
// blocks on a full pipe while the sink is blocked writing to its stdin (no deadlock).
//
// stdout: each Singer STATE line acknowledges STATEs in the ledger (state_ledger.h) and,
// when configured, is appended to the target state file (the target's own view); other
// lines are ignored. stderr: relayed line by line to the host log, prefixed with the
// target's name; the last lines are kept for error messages.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "etlhost/plugin.hpp"
#include "state_ledger.h"

namespace singer {

/// Splits a byte stream into lines ("\n", a trailing "\r" dropped). A line longer than
/// `max_bytes` is cut there; the rest of it up to its newline is dropped.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_bytes) : max_bytes_(max_bytes) {}
  /// Calls `on_line(line, was_cut)` for every complete line in `bytes`.
  template <class OnLine>
  void feed(std::string_view bytes, OnLine&& on_line);
  /// The last line when the stream ended without a newline.
  template <class OnLine>
  void end(OnLine&& on_line);

 private:
  size_t max_bytes_;
  std::string partial_;
  bool cut_ = false;
};

class TargetOutput {
 public:
  /// Starts the reader thread. `state_file_fd` is -1 when no target state file is kept;
  /// the descriptors stay owned by the caller and must outlive this object.
  TargetOutput(const etl::Host& host, std::string target_name, int stdout_fd, int stderr_fd, int state_file_fd,
               StateLedger& ledger);
  /// Stops reading at once and joins the thread.
  ~TargetOutput();
  TargetOutput(const TargetOutput&) = delete;
  TargetOutput& operator=(const TargetOutput&) = delete;

  /// Reads on until both pipes ended (the target and whatever inherited them exited) or
  /// `deadline` passed, then joins the reader. After it, the ledger is final.
  void finish(std::chrono::steady_clock::time_point deadline);
  /// The target's last lines on stderr, oldest first.
  std::vector<std::string> stderr_tail() const;

 private:
  void run() noexcept;
  void read_available(int& fd, LineSplitter& lines, bool is_stdout);
  void on_stdout_line(std::string_view line, bool was_cut);
  void on_stderr_line(std::string_view line, bool was_cut);

  etl::Host host_;
  std::string name_;
  int stdout_fd_;
  int stderr_fd_;
  int state_file_fd_;
  StateLedger& ledger_;
  bool state_file_failed_ = false;  // reader thread only

  mutable std::mutex tail_mutex_;
  std::deque<std::string> tail_;

  std::atomic<std::chrono::steady_clock::rep> stop_at_;
  std::thread thread_;  // last: it uses every member above
};

template <class OnLine>
void LineSplitter::feed(std::string_view bytes, OnLine&& on_line) {
  while (!bytes.empty()) {
    const size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    const size_t room = max_bytes_ - partial_.size();
    if (piece.size() > room) cut_ = true;
    partial_.append(piece.substr(0, room));
    if (newline == std::string_view::npos) return;
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    on_line(std::string_view(partial_), cut_);
    partial_.clear();
    cut_ = false;
    bytes.remove_prefix(newline + 1);
  }
}

template <class OnLine>
void LineSplitter::end(OnLine&& on_line) {
  if (partial_.empty() && !cut_) return;
  on_line(std::string_view(partial_), cut_);
  partial_.clear();
  cut_ = false;
}

}  // namespace singer
