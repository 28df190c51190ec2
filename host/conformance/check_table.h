// The kit's checks, in the order they run: the one list from which come the runner's order
// and skip logic (kit.cpp), the check list of `etlhost test-plugin --help`, and the check
// list of sdk/conformance.md (tests/conformance compares the doc with this table).
#pragma once

#include <string>
#include <vector>

#include "conformance/kit.h"

namespace etlhost::conformance {

/// Which plugins a check applies to.
enum class CheckKind { kPlugin, kSource, kSink };

struct CheckSpec {
  const char* id;  // "sink.crash_injection"
  CheckKind kind;
  /// Runs with the user's config, so only once descriptor.valid loaded the plugin (the
  /// kit validates the config against the plugin's spec in between).
  bool uses_config;
  /// The report names the seed when this check ran (its kill points come from it).
  bool uses_seed;
  CheckResult (*run)(KitContext& context, const std::string& id);
  /// For --help: one paragraph, wrapped there.
  const char* summary;
};

const std::vector<CheckSpec>& check_table();

/// The ids in table order.
std::vector<std::string> check_ids();

/// Whether a check of `kind` applies to the plugin `info` describes.
bool check_applies(CheckKind kind, const PluginInfo& info);

/// The check list of `etlhost test-plugin --help`: each kind's heading, then one entry per
/// check, its summary wrapped beside the id.
std::string checks_help();

}  // namespace etlhost::conformance
