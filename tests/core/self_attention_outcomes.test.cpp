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

// Why some induction_head seeds grow no induction head: for each seed, the first layer's heads'
// mean attention k steps back (k = 0 .. 3) and the second layer's heads' mean attention at
// offset j from the canonical position (the token after the previous occurrence: j = 0), over
// the held-out batch. Measured on seeds 1-8 (2026-12-05): where a first-layer head attends to
// the previous token (0.48-0.58 one step back: seeds 1, 3, 4, 6, 8), a second-layer head puts
// 0.39-0.72 on the canonical position: the two-layer induction circuit. Where no first-layer
// head does (0.01-0.06 one step back: seeds 5 and 7), no second-layer head finds the canonical
// position (0.08-0.10) and their mass spreads 1-3 steps after it, a looser mechanism with a
// slightly lower accuracy (0.61 against 0.62-0.66). Seed 2 is between (0.25; 0.33). Hidden
// (about 5 minutes natively): build/native/core_tests '[induction][slow]'.
TEST_CASE("induction_head: an induction head forms where a previous-token head formed first", "[.][slow][induction]") {
    for (uint32_t seed = 1; seed <= 8; ++seed) {
        Config c = defaults_for("induction_head");
        c.seed = seed;
        Trainer t(c);
        t.step(5000);
        const Tensor a0 = t.activations("self_attention_scores"), a1 = t.activations("self_attention_1_scores");
        const AttentionMaps maps = t.attention_maps(a0.shape[0]);
        const int n = a0.shape[0], T = a0.shape[2], H = a0.shape[1] / T;
        double previous = 0, induction = 0;  // the best first-layer head one step back; the best second-layer head at j = 0
        std::printf("seed %u:", seed);
        for (int h = 0; h < H; ++h) {  // layer 1, head h: mass k steps back
            double back[4] = {};
            long long steps = 0;
            for (int b = 0; b < n; ++b)
                for (int q = 3; q < T; ++q, ++steps)
                    for (int k = 0; k < 4; ++k) back[k] += a0.data[(size_t(b) * H * T + size_t(h) * T + q) * T + q - k];
            for (double& v : back) v /= double(steps);
            previous = std::max(previous, back[1]);
            std::printf(" L1H%d back 0..3: %.2f %.2f %.2f %.2f;", h + 1, back[0], back[1], back[2], back[3]);
        }
        for (int h = 0; h < H; ++h) {  // layer 2, head h: mass at offset j from the canonical position
            double at[5] = {};
            long long steps = 0;
            for (int b = 0; b < n; ++b)
                for (int q = 0; q < T; ++q) {
                    const float* want = maps.mask.data.data() + (size_t(b) * T + q) * T;
                    int s0 = -1;
                    for (int s = 0; s <= q; ++s)
                        if (want[s] != 0.0f) s0 = s;
                    if (s0 < 0) continue;
                    ++steps;
                    for (int j = -1; j <= 3; ++j)
                        if (s0 + j >= 0 && s0 + j <= q) at[j + 1] += a1.data[(size_t(b) * H * T + size_t(h) * T + q) * T + s0 + j];
                }
            for (double& v : at) v /= double(steps);
            induction = std::max(induction, at[1]);
            std::printf(" L2H%d at -1..3: %.2f %.2f %.2f %.2f %.2f;", h + 1, at[0], at[1], at[2], at[3], at[4]);
        }
        std::printf(" val accuracy %.3f\n", double(t.validate().metric));
        INFO("seed " << seed << ": previous-token " << previous << ", induction " << induction);
        if (previous > 0.3) CHECK(induction > 0.3);
        if (previous < 0.1) CHECK(induction < 0.15);
    }
}
