// Native training speed for every preset of the core's table at the preset's own sizes, batch
// size, optimizer and loss (the 2017 models: batch 64, Adam, binary cross-entropy, as the seed):
// samples per second, median of several timed runs after a warm-up.
// A benchmark that prints numbers, not a test.
//
//   attention_bench [REPEATS] [--repeats N] [--preset NAME]... [--full] [--json]
//
// - REPEATS / --repeats: timed runs per preset (default 5).
// - --preset: only these presets (default: all).
// - --full: also time the seed's full runs (dense: 10000 samples, 20 epochs; lstm_after:
//   300000 samples, 1 epoch), wall clock from building the trainer (data included) to done;
//   dense is short, so its median of 5 runs.
// - --json: one JSON object on stdout instead of the table (bench/run.mjs reads it).
//
// Protocol (the same in bench/page/ours.mjs for wasm): validation_split 0 and enough samples
// that the timed batches never reach an epoch end, so no validation pass or reshuffle falls
// inside a timed run; each run is one Trainer::step(batches) timed with steady_clock, and the
// runs go round-robin over the presets. Batches per timed run: batches_per_run() below, the same
// rule as batchesPerRun() in bench/page/models.mjs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "preset.hpp"
#include "task.hpp"
#include "trainer.hpp"

using namespace attn;
using Clock = std::chrono::steady_clock;

namespace {

struct Result {
    std::string preset;
    long long params = 0;
    int batch_size = 0, batches = 0;
    std::vector<double> rates;  // samples/s per timed run, sorted
    double median() const { return rates[rates.size() / 2]; }
};

struct FullRun {
    std::string preset;
    int samples = 0, epochs = 0, train_samples = 0;
    double build_seconds = 0, train_seconds = 0;
    std::string status;
    float val_metric = 0;
};

// Multiply-adds of one sample's forward products, as macsPerSample() in bench/page/models.mjs
// (which documents the counting).
double macs_per_sample(const Config& c) {
    const double D = c.input_dim, T = c.time_steps, H = c.units, U = c.attention_units;
    if (c.seq2seq()) {  // T = Ts, H = the cells' units, U = A, the attentional state's
        const double Tt = outputs_per_sample(find_task(c.task), c), G = c.gru() ? 3 : 4;
        const double score = Tt * T * H + (c.score == "luong" ? Tt * H * H : c.score == "bahdanau" ? (Tt + T) * H * H : 0);
        return (T + Tt) * G * H * 2 * H + score + Tt * T * H + Tt * 2 * H * U + Tt * U * c.vocab_size;
    }
    if (c.self_attention())  // H = C, the residual stream's width
        return c.layers * (4 * T * H * H + 2 * T * T * H) + T * H * c.vocab_size;
    if (!c.recurrent()) return (c.block() ? D * D : 0) + D * H + H;
    const double recurrent = T * (c.gru() ? 3 : 4) * H * (D + H);
    if (c.block()) {
        const bool after = c.placement == "after";
        return recurrent + T * T * (after ? H : D) + (after ? T * H : H);
    }
    if (c.attention == "many_to_one") {
        const double score = c.score == "luong" ? H * H + T * H : H * H + T * H * H + T * H;
        return recurrent + score + T * H + 2 * H * U + U;
    }
    return recurrent + H;
}

// The 2017 models: 400 batches (dense) or 60 (recurrent), ~0.1-0.2 s natively. The others
// (many-to-one, self-attention): as many batches as make about the work of 60 of lstm_after's,
// at least 10.
int batches_per_run(const Config& c) {
    if (!c.recurrent() && !c.self_attention()) return 400;
    if (c.block()) return 60;
    const double lstm_after = 60.0 * 64 * macs_per_sample(defaults_for("lstm_after"));
    return std::max(10, int(std::lround(lstm_after / (c.batch_size * macs_per_sample(c)))));
}

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Every preset gets its trainer and warm-up first; then the timed runs go round-robin over the
// presets, so a burst of other work on the machine slows every preset a little rather than one
// preset a lot.
std::vector<Result> bench_presets(const std::vector<std::string>& presets, int repeats) {
    std::vector<Trainer> trainers;
    std::vector<Result> results;
    trainers.reserve(presets.size());
    for (const auto& preset : presets) {
        Config c = defaults_for(preset);
        // As bench/page/models.mjs's presetTable: a seq2seq GRU with reset_after false, the
        // variant TF.js has.
        if (c.seq2seq() && c.gru()) c.reset_after = false;
        const int batches = batches_per_run(c);
        const int warmup = batches / 4;
        c.validation_split = 0.0;
        c.samples = (warmup + repeats * batches + 1) * c.batch_size;  // never reaches an epoch end
        c.epochs = 1;
        trainers.emplace_back(c);
        results.push_back(Result{preset, trainers.back().parameter_count(), c.batch_size, batches, {}});
        trainers.back().step(warmup);
    }
    for (int i = 0; i < repeats; ++i) {
        for (size_t k = 0; k < trainers.size(); ++k) {
            Result& r = results[k];
            const auto t0 = Clock::now();
            const Metrics m = trainers[k].step(r.batches);
            const double s = seconds_since(t0);
            if (m.status != Status::training)
                throw std::runtime_error(r.preset + ": status " + status_name(m.status) + " while timing");
            r.rates.push_back(double(r.batches) * r.batch_size / s);
        }
    }
    for (auto& r : results) std::sort(r.rates.begin(), r.rates.end());
    return results;
}

FullRun full_run(const std::string& preset) {
    const Config c = defaults_for(preset);
    FullRun f{preset, c.samples, c.epochs, c.train_samples(), 0, 0, "", 0};
    const auto t0 = Clock::now();
    Trainer t(c);
    f.build_seconds = seconds_since(t0);
    const auto t1 = Clock::now();
    const Metrics m = t.train(c.epochs);
    f.train_seconds = seconds_since(t1);
    f.status = status_name(m.status);
    f.val_metric = m.val.metric;
    return f;
}

[[noreturn]] void usage(const char* msg) {
    std::fprintf(stderr, "attention_bench: %s\nusage: attention_bench [REPEATS] [--repeats N] "
                         "[--preset NAME]... [--full] [--json]\n", msg);
    std::exit(2);
}

int parse_repeats(const char* s) {
    char* end = nullptr;
    const long v = std::strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 1000) usage((std::string("repeats must be 1..1000 (got ") + s + ")").c_str());
    return int(v);
}

}  // namespace

int main(int argc, char** argv) {
    int repeats = 5;
    bool json = false, full = false;
    std::vector<std::string> presets;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json") json = true;
        else if (a == "--full") full = true;
        else if (a == "--repeats" || a == "--preset") {
            if (i + 1 >= argc) usage((a + " needs a value").c_str());
            if (a == "--repeats") repeats = parse_repeats(argv[++i]);
            else presets.push_back(argv[++i]);
        } else if (a == "--help" || a == "-h") usage("help");
        else if (!a.empty() && a[0] != '-') repeats = parse_repeats(a.c_str());
        else usage(("unknown argument " + a).c_str());
    }
    std::vector<std::string> known;
    for (const auto& p : attn::presets()) known.push_back(p.name);
    for (const auto& p : presets)
        if (std::find(known.begin(), known.end(), p) == known.end()) usage(("unknown preset " + p).c_str());
    if (presets.empty()) presets = known;

    try {
        const std::vector<Result> results = bench_presets(presets, repeats);
        if (!json) {
            std::printf("%-18s %10s %6s %8s %14s %14s\n", "preset", "params", "batch", "batches", "samples/s",
                        "(min..max)");
            for (const Result& r : results)
                std::printf("%-18s %10lld %6d %8d %14.0f %8.0f..%-8.0f\n", r.preset.c_str(), r.params, r.batch_size,
                            r.batches, r.median(), r.rates.front(), r.rates.back());
            std::fflush(stdout);
        }
        std::vector<FullRun> fulls;
        if (full) {
            if (!json) std::printf("\nfull runs (the seed's sizes), wall clock:\n");
            for (const char* p : {"dense", "lstm_after"}) {
                std::vector<FullRun> runs;
                for (int k = 0; k < (std::string(p) == "dense" ? 5 : 1); ++k) runs.push_back(full_run(p));
                std::sort(runs.begin(), runs.end(), [](const FullRun& a, const FullRun& b) {
                    return a.build_seconds + a.train_seconds < b.build_seconds + b.train_seconds;
                });
                fulls.push_back(runs[runs.size() / 2]);
                const FullRun& f = fulls.back();
                if (!json)
                    std::printf("%-18s %7d samples x %2d epochs: build %.3f s + train %.3f s = %.3f s (%s, val_metric %.4f)\n",
                                f.preset.c_str(), f.train_samples, f.epochs, f.build_seconds, f.train_seconds,
                                f.build_seconds + f.train_seconds, f.status.c_str(), f.val_metric);
                std::fflush(stdout);
            }
        }
        if (json) {
            std::printf("{\"kind\":\"native\",\"repeats\":%d,\"results\":[", repeats);
            for (size_t i = 0; i < results.size(); ++i) {
                const Result& r = results[i];
                std::printf("%s{\"preset\":\"%s\",\"params\":%lld,\"batch_size\":%d,\"batches\":%d,"
                            "\"samples_per_second\":%.1f,\"runs\":[",
                            i ? "," : "", r.preset.c_str(), r.params, r.batch_size, r.batches, r.median());
                for (size_t k = 0; k < r.rates.size(); ++k) std::printf("%s%.1f", k ? "," : "", r.rates[k]);
                std::printf("]}");
            }
            std::printf("],\"full\":[");
            for (size_t i = 0; i < fulls.size(); ++i) {
                const FullRun& f = fulls[i];
                std::printf("%s{\"preset\":\"%s\",\"samples\":%d,\"epochs\":%d,\"train_samples\":%d,"
                            "\"build_seconds\":%.4f,\"train_seconds\":%.4f,\"seconds\":%.4f,"
                            "\"status\":\"%s\",\"val_metric\":%.4f}",
                            i ? "," : "", f.preset.c_str(), f.samples, f.epochs, f.train_samples,
                            f.build_seconds, f.train_seconds, f.build_seconds + f.train_seconds,
                            f.status.c_str(), double(f.val_metric));
            }
            std::printf("]}\n");
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "attention_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
