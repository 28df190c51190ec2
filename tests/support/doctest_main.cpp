// The one doctest main every suite links (etlhost_test_main), so no suite carries its own.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
