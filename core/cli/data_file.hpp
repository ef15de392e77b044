// The command-line tool's --data FILE: a CSV file in the page's format (README, "Your own
// data"), read with libcsv, checked, and turned into the arrays Trainer::set_data takes.
//   a header row; one sample per row; the inputs x_<i> (vectors) or x_<t>_<d> (sequences: time
//   step t, feature d, from 0, any column order); the target y; optionally mask_<p>, 0 or 1 per
//   position (1 where the answer is).
// web/data.js reads the same format in the page; the tests hold both to the same cases.
// Native only: the wasm module takes arrays, not files.
#pragma once

#include <string>

#include "tensor.hpp"

namespace attn {

struct DataFile {
    Tensor x, y, mask;  // x (n, D) or (n, T, D); y (n, 1); mask (n, P), empty without one
    int n = 0, time = 0, dim = 0;  // time 0: vectors
    bool binary = false;           // every target is 0 or 1
};

// Throws ConfigError("data", ...) naming the row and the column ("row 17, column x_3: 'abc'
// is not a number"); `max_bytes` bounds the file read.
DataFile read_data_file(const std::string& path, long long max_bytes);

// The same from the file's text; messages call it `name`. (tests/fuzz/fuzz_data_file.cpp)
DataFile parse_data(const std::string& text, const std::string& name);

}  // namespace attn
