#include "archive.hpp"

#include <cstring>

namespace attn {

namespace {
constexpr char kMagic[8] = {'A', 'T', 'T', 'N', 'R', 'U', 'N', '\n'};
constexpr size_t kHeader = 8 + 4 + 8 + 4;  // magic, version, payload length, CRC-32

void put(std::vector<uint8_t>& out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
uint64_t get(const uint8_t* p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint64_t(p[i]) << (8 * i);
    return v;
}
[[noreturn]] void damaged(const std::string& why) { throw ConfigError("run", "not a run this build can load: " + why); }
}  // namespace

uint32_t crc32(const uint8_t* data, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        c ^= data[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

Archive Archive::reader(const std::vector<uint8_t>& file) {
    if (file.size() < kHeader || std::memcmp(file.data(), kMagic, 8) != 0)
        damaged("it does not start as a saved run does");
    const uint32_t version = uint32_t(get(file.data() + 8, 4));
    if (version != kRunFormat)
        damaged("it was saved in format " + std::to_string(version) + ", and this build reads format " +
                std::to_string(kRunFormat));
    const uint64_t length = get(file.data() + 12, 8);
    if (length != file.size() - kHeader)
        damaged("it is " + std::to_string(file.size()) + " bytes, not the " + std::to_string(length + kHeader) +
                " it says (cut short or padded)");
    if (uint32_t(get(file.data() + 20, 4)) != crc32(file.data() + kHeader, size_t(length)))
        damaged("its checksum does not match (the file is damaged)");
    Archive a;
    a.loading_ = true;
    a.payload_.assign(file.begin() + kHeader, file.end());
    return a;
}

std::vector<uint8_t> Archive::file() const {
    std::vector<uint8_t> out(kMagic, kMagic + 8);
    put(out, kRunFormat, 4);
    put(out, payload_.size(), 8);
    put(out, crc32(payload_.data(), payload_.size()), 4);
    out.insert(out.end(), payload_.begin(), payload_.end());
    return out;
}

void Archive::expect_end() const {
    if (at_ != payload_.size()) damaged(std::to_string(payload_.size() - at_) + " bytes are left over");
}

// Every value goes through its bytes in little-endian order: the hosts are (x86-64, wasm).
void Archive::raw(void* p, size_t n) {
    if (!loading_) {
        const auto* b = static_cast<const uint8_t*>(p);
        payload_.insert(payload_.end(), b, b + n);
        return;
    }
    if (payload_.size() - at_ < n) damaged("it ends early");
    std::memcpy(p, payload_.data() + at_, n);
    at_ += n;
}

void Archive::io(uint64_t& v) { raw(&v, 8); }
void Archive::io(uint32_t& v) { raw(&v, 4); }
void Archive::io(int& v) { raw(&v, 4); }
void Archive::io(long long& v) { raw(&v, 8); }
void Archive::io(float& v) { raw(&v, 4); }
void Archive::io(double& v) { raw(&v, 8); }
void Archive::io(bool& v) {
    uint8_t b = v ? 1 : 0;
    raw(&b, 1);
    if (b > 1) damaged("a flag holds " + std::to_string(b));
    v = b == 1;
}

void Archive::io(std::string& s) {
    uint64_t n = s.size();
    io(n);
    if (loading_) {
        if (n > payload_.size() - at_) damaged("it ends early");
        s.assign(reinterpret_cast<const char*>(payload_.data() + at_), size_t(n));
        at_ += size_t(n);
    } else {
        raw(s.data(), s.size());
    }
}

template <class T>
void Archive::array(std::vector<T>& v, bool fixed) {
    uint64_t n = v.size();
    io(n);
    if (loading_) {
        if (fixed && n != v.size())
            damaged("an array holds " + std::to_string(n) + " values where this config has " + std::to_string(v.size()));
        if (n > (payload_.size() - at_) / sizeof(T)) damaged("it ends early");
        v.resize(size_t(n));
    }
    if (n) raw(v.data(), size_t(n) * sizeof(T));
}

void Archive::io(std::vector<float>& v, bool fixed) { array(v, fixed); }
void Archive::io(std::vector<int>& v, bool fixed) { array(v, fixed); }
void Archive::io(std::vector<uint8_t>& v, bool fixed) { array(v, fixed); }

void Archive::io(Vec& v) {
    uint64_t n = uint64_t(v.size());
    io(n);
    if (loading_ && n != uint64_t(v.size()))
        damaged("an array holds " + std::to_string(n) + " values where this config has " + std::to_string(v.size()));
    if (n) raw(v.data(), size_t(n) * sizeof(float));
}

}  // namespace attn
