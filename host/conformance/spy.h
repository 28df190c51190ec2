// A wrapper around a loaded plugin's callbacks, used inside a check's child: every call
// sets the breadcrumb ("sink.write()") and its deadline, then calls the plugin. The
// wrapper is itself a plugin descriptor, so the host's own SourceInstance, SinkInstance
// and Pipeline drive it unchanged. One per process.
#pragma once

#include <memory>

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
};

/// Wraps `real` (kept loaded by the wrapper). `timeout_s` bounds every call.
std::shared_ptr<LoadedPlugin> spy_on(std::shared_ptr<const LoadedPlugin> real, double timeout_s);

const SpyLog& spy_log();

/// SIGKILLs this process as soon as the wrapped sink's `flush_number`-th flush() returns
/// ETL_OK: after the sink made the data durable, before the host commits the state that
/// covers it (crash injection's kill point in that window). 0: never.
void kill_after_flush(int flush_number);

}  // namespace etlhost::conformance
