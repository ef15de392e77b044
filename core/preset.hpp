// The presets, as one table: named bundles of defaults for every Config field, each with a
// label, a one-line description, and what its attention means (its shape and axes). The
// seed's examples are presets; a new one is a row.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"

namespace attn {

struct Preset {
    const char* name;
    const char* label;
    const char* description;  // one line
    const char* attention;    // what its attention is: the named output, its shape and axes
    Config config;            // every field's default
};

const std::vector<Preset>& presets();
const Preset& find_preset(const std::string& name);  // throws ConfigError("preset", ...)

}  // namespace attn
