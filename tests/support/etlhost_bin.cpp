#include "etlhost_bin.h"

#include <cstdlib>

namespace etltest {

std::string etlhost_bin() {
  const char* from_env = std::getenv("ETLHOST_TEST_BIN");
  // ETLHOST_TEST_BIN_DEFAULT is the build's $<TARGET_FILE:etlhost>, set on this file alone
  // (tests/support/CMakeLists.txt), so the path is written in one place.
  return from_env != nullptr && *from_env != '\0' ? from_env : ETLHOST_TEST_BIN_DEFAULT;
}

}  // namespace etltest
