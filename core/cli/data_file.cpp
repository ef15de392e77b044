#include "data_file.hpp"

#include <csv.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "config.hpp"

namespace attn {

namespace {
[[noreturn]] void bad(const std::string& what) { throw ConfigError("data", what); }

// The file as rows of fields, through libcsv's callbacks.
struct Rows {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> current;
    static void field(void* s, size_t n, void* self) {
        static_cast<Rows*>(self)->current.emplace_back(static_cast<const char*>(s), n);
    }
    static void end(int, void* self) {
        auto* r = static_cast<Rows*>(self);
        r->rows.push_back(std::move(r->current));
        r->current.clear();
    }
};

std::string read_file(const std::string& path, long long max_bytes) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) bad("cannot read " + quoted(path));
    const long long size = in.tellg();
    if (size == 0) bad(quoted(path) + " is empty");
    if (size > max_bytes)
        bad(quoted(path) + " is " + std::to_string(size / 1000000) + " MB; the limit is " + std::to_string(max_bytes / 1000000) +
            " MB");
    in.seekg(0);
    std::string text(static_cast<size_t>(size), '\0');
    in.read(text.data(), size);
    return text;
}

Rows parse(const std::string& text) {
    csv_parser p;
    csv_init(&p, CSV_STRICT);
    Rows rows;
    if (csv_parse(&p, text.data(), text.size(), Rows::field, Rows::end, &rows) != text.size() ||
        csv_fini(&p, Rows::field, Rows::end, &rows) != 0) {
        const std::string why = csv_strerror(csv_error(&p));
        csv_free(&p);
        bad("row " + std::to_string(rows.rows.size()) + ": " + why);
    }
    csv_free(&p);
    return rows;
}

// The number in a column's name (x_12 -> 12), at most 6 digits.
int column_index(const std::string& digits, const std::string& column) {
    if (digits.size() > 6) bad("column " + quoted(column) + ": the index is too large");
    return std::stoi(digits);
}

float number(const std::vector<std::string>& row, size_t r, int c, const std::string& column) {
    const std::string& text = row[size_t(c)];
    const std::string at = "row " + std::to_string(r) + ", column " + column + ": ";
    if (text.find_first_not_of(" \t") == std::string::npos) bad(at + "the value is missing");
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    while (*end == ' ' || *end == '\t') ++end;
    // The number must be all of the field (a NUL inside it would end strtod early).
    if (end != text.c_str() + text.size() || !std::isfinite(v) || !std::isfinite(float(v)))
        bad(at + quoted(text) + " is not a number");
    return float(v);
}
}  // namespace

DataFile read_data_file(const std::string& path, long long max_bytes) {
    return parse_data(read_file(path, max_bytes), path);
}

DataFile parse_data(const std::string& text, const std::string& name) {
    const Rows parsed = parse(text);
    if (parsed.rows.empty()) bad(quoted(name) + " is empty");
    const auto& header = parsed.rows[0];
    const size_t n = parsed.rows.size() - 1;
    if (n == 0) bad("the file has a header but no rows");
    // Columns by name: x_i, x_t_d, y, mask_p.
    static const std::regex vec("x_(\\d+)"), seq("x_(\\d+)_(\\d+)"), msk("mask_(\\d+)");
    std::map<std::string, int> at;
    int T = 0, D = 0, P_mask = 0;
    bool vectors = false, sequences = false;
    for (size_t c = 0; c < header.size(); ++c) {
        const std::string& h = header[c];
        if (!at.emplace(h, int(c)).second) bad("column " + quoted(h) + " appears twice in the header");
        std::smatch m;
        if (std::regex_match(h, m, seq)) {
            sequences = true;
            T = std::max(T, column_index(m[1], h) + 1);
            D = std::max(D, column_index(m[2], h) + 1);
        } else if (std::regex_match(h, m, vec)) {
            vectors = true;
            D = std::max(D, column_index(m[1], h) + 1);
        } else if (std::regex_match(h, m, msk)) {
            P_mask = std::max(P_mask, column_index(m[1], h) + 1);
        } else if (h != "y") {
            bad("column " + quoted(h) + " is not one of x_..., y, mask_... (see README, \"Your own data\")");
        }
    }
    if (!at.count("y")) bad("there is no column y (the target)");
    if (vectors && sequences) bad("the inputs mix x_<i> (vectors) and x_<t>_<d> (sequences) columns: use one kind");
    if (!vectors && !sequences) bad("there are no input columns: name them x_0, x_1, ... or x_0_0, x_0_1, ...");
    if (T > 1000 || D > kMaxSize) bad("the inputs are too large (" + std::to_string(T) + " steps of " + std::to_string(D) + " features)");
    std::vector<int> xcol;
    for (int t = 0; t < std::max(T, 1); ++t)
        for (int d = 0; d < D; ++d) {
            const std::string name = sequences ? "x_" + std::to_string(t) + "_" + std::to_string(d) : "x_" + std::to_string(d);
            const auto it = at.find(name);
            if (it == at.end()) bad("column " + name + " is missing");
            xcol.push_back(it->second);
        }
    const int P = sequences ? T : D;
    std::vector<int> mcol;
    if (P_mask) {
        for (int p = 0; p < P; ++p) {
            const auto it = at.find("mask_" + std::to_string(p));
            if (it == at.end()) bad("column mask_" + std::to_string(p) + " is missing: the mask needs one column per position (0 to " + std::to_string(P - 1) + ")");
            mcol.push_back(it->second);
        }
        if (P_mask != P) bad("there are mask columns up to mask_" + std::to_string(P_mask - 1) + " for " + std::to_string(P) + " positions");
    }
    DataFile f;
    f.n = int(n);
    f.time = T;
    f.dim = D;
    f.x.shape = sequences ? std::vector<int>{int(n), T, D} : std::vector<int>{int(n), D};
    f.y.shape = {int(n), 1};
    f.x.data.reserve(n * xcol.size());
    for (size_t r = 1; r <= n; ++r) {
        const auto& row = parsed.rows[r];
        if (row.size() != header.size())
            bad("row " + std::to_string(r) + ": " + std::to_string(row.size()) + " values where the header has " +
                std::to_string(header.size()) + " columns");
        for (int c : xcol) f.x.data.push_back(number(row, r, c, header[size_t(c)]));
        f.y.data.push_back(number(row, r, at["y"], "y"));
        for (int c : mcol) {
            const float v = number(row, r, c, header[size_t(c)]);
            if (v != 0.0f && v != 1.0f) {
                std::ostringstream s;
                s << v;
                bad("row " + std::to_string(r) + ", column " + header[size_t(c)] + ": a mask is 0 or 1 (got " + s.str() + ")");
            }
            f.mask.data.push_back(v);
        }
    }
    if (!mcol.empty()) f.mask.shape = {int(n), P};
    bool constant = true;
    f.binary = true;
    for (float v : f.y.data) {
        constant = constant && v == f.y.data[0];
        f.binary = f.binary && (v == 0.0f || v == 1.0f);
    }
    if (constant) {
        std::ostringstream s;
        s << f.y.data[0];
        bad("column y: every row has the same target (" + s.str() + "), so there is nothing to learn");
    }
    return f;
}

}  // namespace attn
