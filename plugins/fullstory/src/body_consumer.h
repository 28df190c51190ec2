// body_consumer.h: where a download's body goes as it arrives (BundleReader is one), and
// what a retried or resumed download tells it.
#pragma once

#include <cstddef>

namespace fullstory {

/// Receives one download's body as it arrives. A retried download starts over with
/// begin_attempt(); the consumer decides what the repeated bytes mean (see ReplayGuard). A
/// download resumed with a Range request just goes on calling consume() with the next bytes.
class BodyConsumer {
 public:
  virtual ~BodyConsumer() = default;
  virtual void begin_attempt() = 0;
  virtual void consume(const char* data, size_t size) = 0;
  /// `length_verified`: the server declared a Content-Length and all of it arrived, so an
  /// incomplete document is the server's fault (malformed), not the network's (truncated).
  virtual void end_of_body(bool length_verified) = 0;
};

}  // namespace fullstory
