// A wrapper around a loaded plugin's callbacks, used inside a check's child: every call
// sets the breadcrumb ("sink.write()") and its deadline, then calls the plugin. The
// wrapper is itself a plugin descriptor, so the host's own SourceInstance, SinkInstance
// and Pipeline drive it unchanged. One per process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "etlhost/plugin.h"
#include "plugin_loader.h"

namespace etlhost::conformance {

/// What the wrapped sink's calls returned, for checks that need more than the pipeline's
/// exit code.
struct SpyLog {
  int creates = 0;
  int destroys = 0;
  int writes = 0;
  int flushes = 0;
  int failed_flushes = 0;
  etl_status last_flush = ETL_OK;
  int restores = 0;
  int checkpoints = 0;
  // ABI 1.1, for sink.acknowledged:
  uint64_t states_written = 0;  // STATEs in the write()s that returned ETL_OK
  bool acknowledges = false;    // acknowledged() answered something but ETL_E_NOT_IMPLEMENTED
  uint64_t acknowledged = 0;    // its last answer
  int finishes = 0;
  etl_status last_finish = ETL_OK;
  /// Broken promises of acknowledged() / finish(), as the spy saw them, in order.
  std::vector<std::string> ack_problems;
};

/// Wraps `real` (kept loaded by the wrapper). `timeout_s` bounds every call.
std::shared_ptr<LoadedPlugin> spy_on(std::shared_ptr<const LoadedPlugin> real, double timeout_s);

const SpyLog& spy_log();

/// SIGKILLs this process as soon as the wrapped sink's `flush_number`-th flush() returns
/// ETL_OK: after the sink made the data durable, before the host commits the state that
/// covers it (crash injection's kill point in that window). 0: never.
void kill_after_flush(int flush_number);

}  // namespace etlhost::conformance
