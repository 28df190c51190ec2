#include "e2e_support.h"

namespace e2e {

etltest::ProcessOptions etlhost_options(etltest::ProcessOptions options) {
  options.unset_env.emplace_back("ETLHOST_PLUGIN_PATH");
  return options;
}

etltest::ProcessResult run_etlhost(const std::vector<std::string>& args, etltest::ProcessOptions options) {
  return etltest::run_process(etlhost_bin(), args, etlhost_options(std::move(options)));
}

}  // namespace e2e
