// Compiles the ABI 1.0 layout checks as C++, to catch any C/C++ layout difference.
#include "abi_layout_checks.h"

int main() { return 0; }
