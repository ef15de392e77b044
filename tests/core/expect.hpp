// What the tests expect of bad input: the ConfigError a call throws, to check its field and
// message. FAILs when the call throws nothing.
#pragma once

#include <catch2/catch.hpp>

#include "config.hpp"

namespace attn::test {

template <class F>
ConfigError config_error(F&& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e;
    }
    FAIL("expected a ConfigError");
    return ConfigError("", "");
}

}  // namespace attn::test
