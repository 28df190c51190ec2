#include "test_support.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

namespace csv_test {

std::string run_sink(const std::string& dir, const std::vector<Message>& messages, const std::string& checkpoint,
                     const std::string& extra_config) {
  Sink sink(Sink::config_for(dir, extra_config));
  const Status restored = sink.restore(checkpoint);
  REQUIRE_MESSAGE(restored.ok(), restored.message);
  const Status written = sink.write(messages);
  REQUIRE_MESSAGE(written.ok(), written.message);
  std::string after = sink.checkpoint();
  const Status flushed = sink.flush();
  REQUIRE_MESSAGE(flushed.ok(), flushed.message);
  return after;
}

}  // namespace csv_test
