// Catch2's main, compiled once: the unit tests live in tests/unit/.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
