// etlhost: the executable. Everything lives in etlhost_core (see app.cpp) and, for
// `etlhost test-plugin`, in the conformance kit's library, which the core does not link.
#include "app.h"
#include "conformance/commands.h"

int main(int argc, char** argv) { return etlhost::main_entry(argc, argv, etlhost::conformance::kit_commands()); }
