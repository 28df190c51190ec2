// body_decoder.h: turns an export/get body, however FullStory or a proxy encoded it, into
// the plain JSON text, incrementally.
//
// The body may be a gzip payload (Content-Type: application/gzip), gzip transfer-coded
// (Content-Encoding: gzip), both at once, or plain JSON after a proxy already gunzipped it.
// Headers are not trusted: each layer sniffs the gzip magic bytes (1f 8b) at its start and
// inflates when it finds them, then sniffs the inflated bytes again. Concatenated gzip
// members (allowed by RFC 1952) are inflated one after another.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "byte_sink.h"

namespace fullstory {

class DecodeError : public std::runtime_error {
 public:
  enum class Kind {
    kCorrupt,    // not valid gzip: the server sent broken bytes
    kTruncated,  // the gzip stream stopped before its end: the transfer was cut
  };
  DecodeError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class BodyDecoder final : public ByteSink {
 public:
  /// `max_layers`: how many nested gzip layers to undo before treating the bytes as data.
  explicit BodyDecoder(ByteSink& output, int max_layers = 3);
  ~BodyDecoder() override;
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  /// Feeds encoded bytes; decoded bytes go to `output` as they come. Throws DecodeError.
  void write(const char* data, size_t size) override;
  /// Declares the end of the body. Throws DecodeError(truncated) when a gzip stream is open.
  void finish();
  /// Forgets everything, for a fresh download.
  void reset();

  /// Gzip layers found so far (0: plain JSON).
  int gzip_layers() const;

 private:
  class Layer;
  ByteSink& output_;
  int max_layers_;
  std::unique_ptr<Layer> outer_;
};

}  // namespace fullstory
