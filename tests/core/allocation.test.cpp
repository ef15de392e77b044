// No heap allocation inside the training loop: once the trainer is built (with a model for
// each batch size in use: full, last partial, validation, held-out), steps and whole epochs,
// validation and the attention metrics included, allocate nothing. Counted by replacing the global operator new for
// this test binary; counting is on only inside the measured region.
#include <catch2/catch.hpp>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>

#include "preset.hpp"
#include "trainer.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

// The replacements pair malloc with free; g++ sees only the default new/delete pairing.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
    if (counting) ++allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too (Catch2 allocates with them): otherwise the library's new meets this
// file's delete, a mismatch AddressSanitizer reports (build/asan).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    if (counting) ++allocations;
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {
long allocations_during(const std::function<void()>& f) {
    allocations = 0;
    counting = true;
    f();
    counting = false;
    return allocations;
}
}  // namespace

TEST_CASE("training allocates nothing once the trainer is built, for every preset", "[allocation]") {
    for (const auto& p : attn::presets()) {
        for (double dropout : {0.0, 0.25}) {
            const char* preset = p.name;
            INFO(preset << ", dropout " << dropout);
            attn::Config c = attn::defaults_for(preset);
            c.samples = 300;  // 270 training samples: a partial last batch each epoch
            c.validation_split = 0.1;
            c.epochs = 5;
            c.dropout = dropout;
            attn::Trainer t(c);
            const long n = allocations_during([&] {
                t.step(3);
                t.train(2);  // epoch ends: shuffling, validation, history
            });
            CHECK(n == 0);
            CHECK(t.metrics().epoch == 2);
        }
    }
}

TEST_CASE("the counting allocator counts", "[allocation]") {
    // The check above would pass vacuously if operator new were not replaced.
    const long n = allocations_during([] { ::operator delete(::operator new(16)); });
    CHECK(n == 1);
}
