// What the self-attention presets learn, asserted over 8 seeds. Hidden ([.], about 90 s
// natively, so neither ctest nor npm test runs it): build/native/core_tests '[selfattn][slow]'.
// Each run trains its preset and records, every 25 steps, the best head's attention on target
// on the held-out batch (Trainer::head_scores()); the test asserts the step by which it passes
// a stated level, and the accuracy on the predictable steps at the end.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdio>

#include "preset.hpp"
#include "trainer.hpp"

using namespace attn;

namespace {
struct Outcome {
    long long first_step = -1;  // the first recorded step with the best head above the level
    float best = 0, accuracy = 0;
};

float best_head(Trainer& t) {
    float best = 0;
    for (const HeadScores& h : t.head_scores()) best = std::max(best, h.attention_on_target);
    return best;
}

Outcome run(const char* preset, uint32_t seed, float level, int max_steps) {
    Config c = defaults_for(preset);
    c.seed = seed;
    Trainer t(c);
    Outcome o;
    for (int step = 25; step <= max_steps; step += 25) {
        if (t.step(25).status != Status::training) break;
        const float b = best_head(t);
        if (o.first_step < 0 && b > level) o.first_step = step;
    }
    o.best = best_head(t);
    o.accuracy = t.validate().metric;
    std::printf("%s seed %u: best head on target %.3f > %.2f from step %lld; val accuracy %.3f\n", preset, seed,
                double(o.best), double(level), o.first_step, double(o.accuracy));
    return o;
}
}  // namespace

TEST_CASE("self-attention presets over 8 seeds: the ideal pattern appears, measured", "[.][slow][seed][selfattn]") {
    struct Case {
        const char* preset;
        float level;     // best head's attention on target to pass
        int by_step;     // ... at the latest by this step
        int steps;       // steps trained
        float accuracy;  // validation token accuracy at the end, at least
    };
    const Case cases[] = {
        {"previous_token", 0.8f, 300, 600, 0.99f},
        {"sort_tokens", 0.4f, 1400, 1400, 0.4f},
    };
    for (const auto& k : cases)
        for (uint32_t seed = 1; seed <= 8; ++seed) {
            INFO(k.preset << " seed " << seed);
            const Outcome o = run(k.preset, seed, k.level, k.steps);
            CHECK(o.first_step > 0);
            CHECK(o.first_step <= k.by_step);
            CHECK(o.accuracy >= k.accuracy);
        }
}

// The prefix's length varies (4 to 8 of 15 steps), so only "find the previous occurrence of
// this token, say the one after it" predicts the repeat: about 0.6 of the steps (the others
// are new tokens, 1/16 by chance). Every seed reaches that ceiling by step 5000. Where the
// attention goes varies: most seeds grow a second-layer head on the canonical position (the
// token after the previous occurrence: 0.32-0.71 of its mass); the others solve it with
// attention spread over the few positions after it and score 0.15-0.16 on the canonical one
// (uniform is about 0.1). See docs/architecture.md.
TEST_CASE("induction_head over 8 seeds: the repeat is predicted; most seeds grow an induction head", "[.][slow][seed][selfattn]") {
    int heads = 0;
    for (uint32_t seed = 1; seed <= 8; ++seed) {
        INFO("induction_head seed " << seed);
        const Outcome o = run("induction_head", seed, 0.3f, 5000);
        CHECK(o.accuracy >= 0.59f);
        CHECK(o.best > 0.12f);
        heads += o.best > 0.3f;
    }
    CHECK(heads >= 4);
}
