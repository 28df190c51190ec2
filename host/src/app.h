// The whole program behind main(): parse, dispatch, report. Kept in the core library so
// main.cpp stays a one-liner.
#pragma once

namespace etlhost {

/// Runs etlhost with the process's arguments; returns the exit code.
int main_entry(int argc, char** argv);

}  // namespace etlhost
