// byte_sink.h: the push interface the streaming stages (HTTP body -> gunzip -> JSON
// splitter) hand bytes through, so no stage ever needs a whole bundle.
#pragma once

#include <cstddef>

namespace fullstory {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const char* data, size_t size) = 0;
};

}  // namespace fullstory
