// What the conformance kit adds to etlhost's command line (app.h, KitCommands): the
// executable passes these to main_entry(), so the core library never links the kit.
#pragma once

#include "app.h"

namespace etlhost::conformance {

/// `etlhost test-plugin`, its check list for --help, and the hidden run mode's synthetic source.
KitCommands kit_commands();

}  // namespace etlhost::conformance
