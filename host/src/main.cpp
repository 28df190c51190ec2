// etlhost: the executable. Everything lives in etlhost_core (see app.cpp).
#include "app.h"

int main(int argc, char** argv) { return etlhost::main_entry(argc, argv); }
