#include "e2e_support.h"

#include <cstdlib>

namespace e2e {

std::string etlhost_bin() {
  const char* from_env = std::getenv("ETLHOST_TEST_BIN");
  return from_env != nullptr && *from_env != '\0' ? from_env : ETLHOST_E2E_BIN;
}

etltest::ProcessOptions etlhost_options(etltest::ProcessOptions options) {
  options.unset_env.emplace_back("ETLHOST_PLUGIN_PATH");
  return options;
}

etltest::ProcessResult run_etlhost(const std::vector<std::string>& args, etltest::ProcessOptions options) {
  return etltest::run_process(etlhost_bin(), args, etlhost_options(std::move(options)));
}

}  // namespace e2e
