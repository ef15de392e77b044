// What the tests expect of bad input: the ConfigError a call throws, to check its field and
// message. FAILs when the call throws nothing.
#pragma once

#include <catch2/catch.hpp>

#include <string>

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

// The message of the ConfigError a call throws, which must name `field`.
template <class F>
std::string error_of(F&& f, const std::string& field) {
    try {
        f();
    } catch (const ConfigError& e) {
        CHECK(e.field == field);
        return e.what();
    }
    FAIL("expected a ConfigError for " << field);
    return "";
}

}  // namespace attn::test
