// Catch2's main, in its own translation unit: it takes ~25 s to compile, so only once.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
