// attention: train one of the seed's models from the command line and print the attention
// it learned, as numbers and as a text bar chart (the seed's scripts print and plot it).
//   attention --preset dense
//   attention --preset lstm_before --samples 20000 --single-attention-vector true
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>

#include "trainer.hpp"

using namespace attn;

namespace {

int to_int(const std::string& field, const std::string& v) {
    char* end = nullptr;
    errno = 0;
    const long r = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || errno || r < -2147483647L || r > 2147483647L)
        throw ConfigError(field, "expected an integer (got '" + v + "')");
    return int(r);
}

// Set one field of c from its command-line text, by the field's type.
void set_flag(Config& c, const ConfigField& f, const std::string& v) {
    if (f.integer) c.*f.integer = to_int(f.name, v);
    else if (f.text) c.*f.text = v;
    else if (f.number) {
        char* end = nullptr;
        const double r = std::strtod(v.c_str(), &end);
        if (v.empty() || *end) throw ConfigError(f.name, "expected a number (got '" + v + "')");
        c.*f.number = r;
    } else if (f.boolean) {
        if (v != "true" && v != "false") throw ConfigError(f.name, "expected true or false (got '" + v + "')");
        c.*f.boolean = v == "true";
    } else {
        char* end = nullptr;
        errno = 0;
        const unsigned long long r = std::strtoull(v.c_str(), &end, 10);
        if (v.empty() || *end || errno || v[0] == '-' || r > 4294967295ULL)
            throw ConfigError(f.name, "expected an integer in [0, 4294967295] (got '" + v + "')");
        c.*f.seed = uint32_t(r);
    }
}

std::string flag_name(const char* field) {
    std::string s = field;
    std::replace(s.begin(), s.end(), '_', '-');
    return s;
}

const ConfigField* find_flag(const std::string& flag) {
    for (const auto& f : config_fields())
        if (flag_name(f.name) == flag) return &f;
    return nullptr;
}

void usage(FILE* out) {
    std::fprintf(out,
                 "Usage: attention [--preset NAME] [--flag value ...]\n\n"
                 "Trains one of the Keras attention examples and prints the attention it learned.\n\n");
    for (const auto& f : config_fields())
        std::fprintf(out, "  --%-26s %s\n", (flag_name(f.name) + " V").c_str(), f.help);
    std::fprintf(out, "  --quiet                      print only the final attention\n"
                      "  --trace N                    train N single steps; print each batch loss and the\n"
                      "                               final attention as JSON with exact float values\n"
                      "  --help                       this text\n\n"
                      "Defaults are the seed's: dense N=10000, 20 epochs, validation 0.5, input_dim 32,\n"
                      "attention column 1, Dense(64); recurrent N=300000, 1 epoch, validation 0.1,\n"
                      "input_dim 2, 20 time steps, attention column 10, 32 units. Batch 64, Adam lr 0.001,\n"
                      "seed 1. Sizes are capped at %d; samples x time_steps x input_dim at %lld.\n",
                 kMaxSize, kMaxDataFloats);
}

void bar_chart(const std::vector<float>& v, const char* label, int mark) {
    float top = 0;
    for (float x : v) top = std::max(top, x);
    for (size_t i = 0; i < v.size(); ++i) {
        const int width = top > 0 ? int(std::lround(40.0 * v[i] / top)) : 0;
        std::printf("%s %3zu %.4f |%s%s|%s\n", label, i, v[i], std::string(size_t(width), '#').c_str(),
                    std::string(size_t(40 - width), ' ').c_str(), int(i) == mark ? " <- target" : "");
    }
}

// Exact floats: %.9g round-trips every float32.
void print_floats(const char* name, const float* v, size_t n) {
    std::printf("\"%s\": [", name);
    for (size_t i = 0; i < n; ++i) std::printf("%s%.9g", i ? ", " : "", double(v[i]));
    std::printf("]");
}

int trace(Trainer& t, int steps) {
    if (steps < 1) throw ConfigError("trace", "must be a positive number of steps (got " + std::to_string(steps) + ")");
    std::vector<float> losses;
    for (int i = 0; i < steps; ++i) {
        const Metrics m = t.step(1);
        if (m.status == Status::done || m.status == Status::diverged) break;
        losses.push_back(m.batch_loss);
    }
    const Tensor a = t.attention();
    std::printf("{");
    print_floats("batch_loss", losses.data(), losses.size());
    std::printf(", ");
    print_floats("attention", a.data.data(), a.data.size());
    std::printf("}\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string preset = "dense";
    std::vector<std::pair<const ConfigField*, std::string>> given;
    bool quiet = false;
    std::string trace_steps;  // --trace N: print per-step losses and the attention as JSON
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        }
        if (a == "--quiet") {
            quiet = true;
            continue;
        }
        if (a == "--trace") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "attention: --trace needs a number of steps (see --help)\n");
                return 2;
            }
            trace_steps = argv[++i];
            continue;
        }
        if (a.rfind("--", 0) != 0) {
            std::fprintf(stderr, "attention: unexpected argument '%s' (see --help)\n", a.c_str());
            return 2;
        }
        const ConfigField* f = find_flag(a.substr(2));
        if (!f) {
            std::fprintf(stderr, "attention: unknown flag %s (see --help)\n", a.c_str());
            return 2;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "attention: %s needs a value (see --help)\n", a.c_str());
            return 2;
        }
        if (f->text == &Config::preset) preset = argv[++i];
        else given.emplace_back(f, argv[++i]);
    }
    try {
        Config c = defaults_for(preset);
        for (const auto& [f, value] : given) set_flag(c, *f, value);
        Trainer trainer(c);
        if (!trace_steps.empty()) return trace(trainer, to_int("trace", trace_steps));
        if (!quiet) {
            std::printf("%-18s %-12s %-16s %10s\n", "Layer", "Type", "Output shape", "Params");
            for (const auto& r : trainer.summary())
                std::printf("%-18s %-12s %-16s %10lld\n", r.name.c_str(), r.kind.c_str(), r.output_shape.c_str(), r.params);
            std::printf("Total params: %lld\n\nTrain on %d samples, validate on %d samples\n",
                        trainer.parameter_count(), c.train_samples(), c.validation_samples());
        }
        Metrics m;
        do {
            m = trainer.train(1);
            if (!quiet && m.status != Status::diverged)
                std::printf("Epoch %d/%d - loss: %.4f - acc: %.4f - val_loss: %.4f - val_acc: %.4f - %.0f samples/s\n",
                            m.epoch, c.epochs, m.loss, m.accuracy, m.val_loss, m.val_accuracy, m.samples_per_second);
            std::fflush(stdout);
        } while (m.status == Status::training);
        if (m.status == Status::diverged) {
            std::fprintf(stderr, "attention: %s\n", m.message.c_str());
            return 1;
        }
        const Tensor a = trainer.attention();
        std::vector<float> per_pos;  // averaged over dimensions for the chart, as the seed plots it
        const int positions = a.shape[0], dims = a.shape.size() > 1 ? a.shape[1] : 1;
        for (int p = 0; p < positions; ++p) {
            double s = 0;
            for (int d = 0; d < dims; ++d) s += a.data[size_t(p) * dims + d];
            per_pos.push_back(float(s / dims));
        }
        std::printf("\nAttention (shape [%d%s], averaged over %d held-out samples%s):\n", positions,
                    dims > 1 ? (", " + std::to_string(dims)).c_str() : "", c.test_samples,
                    dims > 1 ? " and the dimensions" : "");
        bar_chart(per_pos, c.recurrent() ? "t" : "x", c.attention_column);
        int argmax = 0;
        for (int p = 1; p < positions; ++p)
            if (per_pos[size_t(p)] > per_pos[size_t(argmax)]) argmax = p;
        std::printf("argmax %d (target %d), final val_acc %.4f\n", argmax, c.attention_column, m.val_accuracy);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "attention: %s\n", e.what());
        return 2;
    }
}
