// server.h: the HTTP(S) server mode.
#pragma once

#include "options.h"

namespace fssim {

// Listens, serves until SIGTERM/SIGINT, shuts down cleanly. Returns the exit status.
int run_server(const SimOptions& options);

}  // namespace fssim
