// A run as bytes, and back: one io() function per stateful object writes or reads its fields
// in one order, so saving and loading cannot drift apart. Little-endian, fixed widths (the
// same file natively and in wasm). A file is "ATTNRUN" + a format version + the payload's
// length and CRC-32 + the payload; reading checks all four before anything is used, and every
// read past the end or of an unexpected size throws ConfigError("run", ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.hpp"
#include "tensor.hpp"

namespace attn {

constexpr uint32_t kRunFormat = 1;  // the version this build writes and reads

class Archive {
public:
    static Archive writer() { return Archive(); }
    // Checks the header (magic, version, length, checksum); the reader then walks the payload.
    static Archive reader(const std::vector<uint8_t>& file);
    bool loading() const { return loading_; }

    void io(uint64_t& v);
    void io(uint32_t& v);
    void io(int& v);
    void io(long long& v);
    void io(float& v);
    void io(double& v);
    void io(bool& v);
    void io(std::string& s);
    // Arrays: on loading, the stored length must equal the one the object already has (its
    // size follows from the config), except for the resizable ones (`fixed` false).
    void io(Vec& v);
    void io(std::vector<float>& v, bool fixed = true);
    void io(std::vector<int>& v, bool fixed = true);
    void io(std::vector<uint8_t>& v, bool fixed = true);

    std::vector<uint8_t> file() const;  // the header and the payload written so far
    void expect_end() const;            // loading: nothing may be left over

private:
    Archive() = default;
    void raw(void* p, size_t n);
    template <class T> void array(std::vector<T>& v, bool fixed);
    bool loading_ = false;
    std::vector<uint8_t> payload_;
    size_t at_ = 0;
};

uint32_t crc32(const uint8_t* data, size_t n);

}  // namespace attn
