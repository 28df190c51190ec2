/* Compiles the ABI 1.0 layout checks as strict C11 (the header itself is C99). */
#include "abi_layout_checks.h"

int main(void) { return 0; }
