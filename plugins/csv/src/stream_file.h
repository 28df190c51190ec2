// One csv file the sink writes: an open descriptor, an output buffer, and the file's
// logical length (bytes on disk plus bytes buffered), which is what checkpoints record.
//
// Rows are appended into the buffer and written with pwrite at the logical offset when the
// buffer fills or on flush(); nothing is written per record, nothing is ever reopened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace etl_csv {

class StreamFile {
 public:
  /// Takes ownership of `fd`, positioned logically at `length` (the bytes already there).
  StreamFile(std::string name, int fd, uint64_t length, size_t buffer_capacity);
  ~StreamFile();
  StreamFile(const StreamFile&) = delete;
  StreamFile& operator=(const StreamFile&) = delete;

  const std::string& name() const noexcept { return name_; }
  int fd() const noexcept { return fd_; }
  uint64_t logical_length() const noexcept { return written_ + used_; }

  /// The header the file has (read from disk or written by us); empty until known.
  const std::vector<std::string>& header() const noexcept { return header_; }
  const std::string& line_terminator() const noexcept { return line_terminator_; }
  void set_header(std::vector<std::string> columns, std::string line_terminator);
  /// This file (a rewrite) was renamed over `name`, whose header it has now.
  void renamed(std::string name, std::vector<std::string> columns, std::string line_terminator);

  /// Returns room for `bytes` more bytes in the buffer, writing the buffer out first when
  /// it is too full. Fill it, then call commit() with the end of what was filled.
  char* reserve(size_t bytes) {
    if (capacity_ - used_ < bytes) make_room(bytes);
    return buffer_.get() + used_;
  }
  void commit(const char* end) noexcept { used_ = static_cast<size_t>(end - buffer_.get()); }
  void append(const std::string& text);

  /// Writes the buffer to the file (pwrite at the logical offset). Throws etl::Error(ETL_E_IO).
  void write_out();
  /// fsyncs the file if anything was written since the last sync. Throws etl::Error(ETL_E_IO).
  void sync();
  /// Forgets the buffered bytes (they were never written).
  void discard_buffer() noexcept { used_ = 0; }

 private:
  void make_room(size_t bytes);

  std::string name_;
  int fd_;
  uint64_t written_;  // bytes in the file, as far as this process wrote or found them
  std::unique_ptr<char[]> buffer_;
  size_t capacity_;
  size_t used_ = 0;
  bool unsynced_ = false;
  // After a failed fsync the kernel may have dropped the dirty pages and a later fsync can
  // succeed without them, so one failure poisons the file until the sink restores.
  bool sync_failed_ = false;
  std::vector<std::string> header_;
  std::string line_terminator_;
};

}  // namespace etl_csv
