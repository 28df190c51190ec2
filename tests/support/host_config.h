// The config a plugin receives from the host, for tests that drive a plugin directly: the
// test's JSON goes through the host's own spec validation and config layering
// (host/src/config_builder.h), so create() sees defaults filled in exactly as in a run.
#pragma once

#include <string>

#include "etlhost/plugin.h"

namespace etltest {

/// What create() receives when the host runs `plugin` with `config_json` as its config
/// file. No environment variable is read, so tests do not depend on the caller's shell.
/// `enforce_required` is false for discover (plugin.h). Throws etlhost::HostError when the
/// host would refuse the config (unknown key, wrong type, missing required key).
std::string host_config(const etl_plugin& plugin, const std::string& config_json, bool enforce_required = true);

}  // namespace etltest
