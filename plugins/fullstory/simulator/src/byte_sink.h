// byte_sink.h: the one interface every body travels through.
//
// A response body is produced by pushing bytes into a chain of sinks (JSON writer -> gzip ->
// socket or file). Keeping the chain explicit lets the fault injector cut or count the bytes
// at any stage without the producers knowing about faults at all.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fssim {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

// Anything that can write a whole body into a sink, from the first byte to the last.
using BodyProducer = std::function<void(ByteSink&)>;

// Thrown by a sink that will take no more bytes (the client hung up, or a cut was reached).
// Producers let it propagate so generation stops immediately instead of running to the end.
class SinkClosed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Counts bytes and drops them: used to learn a body's size before cutting it in half.
class CountingSink final : public ByteSink {
 public:
  void write(std::string_view bytes) override { count_ += bytes.size(); }
  std::uint64_t count() const { return count_; }

 private:
  std::uint64_t count_ = 0;
};

// Thrown by CutSink when its limit is reached, so a fault can tell "cut as planned" from
// "client went away".
class CutReached final : public SinkClosed {
 public:
  CutReached() : SinkClosed("cut point reached") {}
};

// Forwards the first `limit` bytes, then throws CutReached.
class CutSink final : public ByteSink {
 public:
  CutSink(ByteSink& next, std::uint64_t limit) : next_(next), remaining_(limit) {}
  void write(std::string_view bytes) override;

 private:
  ByteSink& next_;
  std::uint64_t remaining_;
};

// Writes to a std::ostream (an HTTP response stream), adding what went out to a counter
// the caller owns, so the count survives a write that throws halfway.
class OstreamSink final : public ByteSink {
 public:
  OstreamSink(std::ostream& out, std::uint64_t& bytes_written) : out_(out), bytes_written_(bytes_written) {}
  void write(std::string_view bytes) override;
  // Pushes buffered bytes onto the wire now (as a chunk, for a chunked body).
  void flush();

 private:
  std::ostream& out_;
  std::uint64_t& bytes_written_;
};

// Writes to a file ("-" means stdout). Errors throw std::runtime_error naming the path.
class FileSink final : public ByteSink {
 public:
  explicit FileSink(const std::string& path);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  void write(std::string_view bytes) override;
  // Flushes and closes; a failure here (disk full) must not go unnoticed, so it throws.
  void close();

 private:
  std::string path_;
  std::FILE* file_;
};

// Copies a whole file into a sink.
void copy_file_to(const std::string& path, ByteSink& sink);

}  // namespace fssim
