// sink.crash_injection's side inside the run it spawns (`etlhost __conformance-run run ...`).
#pragma once

namespace etlhost::conformance {

/// In the hidden run mode: when the kit asked the run to kill itself right after a
/// flush() (through the environment, crash_injection.cpp), loads the sink, wraps it
/// (spy.h) and registers the wrapper as a built-in plugin under the sink's name.
void arm_flush_kill_from_environment();

}  // namespace etlhost::conformance
