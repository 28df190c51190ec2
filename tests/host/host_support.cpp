#include "host_support.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hosttest {

std::string plugin_dir() { return ETLHOST_TEST_PLUGIN_DIR; }
std::string fixture_dir() { return ETLHOST_TEST_FIXTURE_DIR; }

etltest::ProcessOptions etlhost_options(etltest::ProcessOptions options) {
  if (!options.env.contains("ETLHOST_PLUGIN_PATH")) options.env["ETLHOST_PLUGIN_PATH"] = fixture_dir();
  for (const char* name : {"T_SCRIPT_TOKEN", "T_SCRIPT_VERBOSE"}) {
    if (!options.env.contains(name)) options.unset_env.emplace_back(name);
  }
  return options;
}

etltest::ProcessResult run_etlhost(const std::vector<std::string>& args, etltest::ProcessOptions options) {
  return etltest::run_process(etlhost_bin(), args, etlhost_options(std::move(options)));
}

}  // namespace hosttest
