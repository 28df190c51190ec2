// etlhost check SOURCE: does this config work? Builds the config as run does (files, --set,
// environment, defaults; required keys enforced), creates the source, and calls its check():
// the cheapest real request (for an API: address, TLS, credentials, entitlement). A source
// without check() is checked as far as the host can: its config and create().
#include <cstdio>
#include <string>

#include "commands/commands.h"
#include "commands/common.h"
#include "exit_codes.h"
#include "host_error.h"
#include "plugin_instance.h"
#include "plugin_loader.h"
#include "signals.h"

namespace etlhost {

namespace {

// The verdict is the command's answer, not a log line: printed even under -q.
void print_verdict(const std::string& text) { std::fputs((text + "\n").c_str(), stderr); }

}  // namespace

int check_command(const Command& command, Logger& logger) {
  install_stop_handlers();
  CancelFlag& cancel = process_cancel_flag();

  const SourceInputs in = load_source_inputs(command, logger, true);
  const auto& plugin = in.plugin;

  const std::string who = "check: " + plugin->name() + " " + plugin->version();
  SourceInstance source(plugin, in.config.json_text, logger, cancel);  // a refusal is exit 3
  const CallResult result = source.check();
  if (cancel.requested()) {
    logger.warn(std::string("stopped by ") + signal_name(cancel.signal_number()));
    return exit_code_for_signal(cancel.signal_number());
  }
  if (result.status == ETL_E_NOT_IMPLEMENTED) {
    print_verdict(who + " OK as far as etlhost can tell: the config is valid and create() accepted it; the source " +
                  "has no check(), so nothing was tried against the service");
    return exit_code::kOk;
  }
  if (!result.ok()) throw HostError(exit_code::kSourceFailed, who + " FAILED: " + result.describe());
  print_verdict(who + " OK: the config is valid and the source's check() passed");
  return exit_code::kOk;
}

}  // namespace etlhost
