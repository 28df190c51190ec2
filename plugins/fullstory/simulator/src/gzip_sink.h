// gzip_sink.h: gzip-compresses a byte stream on the fly (zlib, gzip container).
#pragma once

#include <memory>
#include <string>

#include "byte_sink.h"

namespace fssim {

class GzipSink final : public ByteSink {
 public:
  // zlib's default level; it is also what FullStory's bundles look like size-wise.
  static constexpr int kDefaultLevel = 6;

  explicit GzipSink(ByteSink& next, int level = kDefaultLevel);
  ~GzipSink() override;
  GzipSink(const GzipSink&) = delete;
  GzipSink& operator=(const GzipSink&) = delete;

  void write(std::string_view bytes) override;
  // Writes the gzip trailer. A body without finish() is a truncated gzip stream.
  void finish();

 private:
  struct Stream;  // hides zlib's z_stream from every includer
  void deflate_into_next(int flush_mode);

  ByteSink& next_;
  std::unique_ptr<Stream> stream_;
  std::string out_buffer_;
};

}  // namespace fssim
