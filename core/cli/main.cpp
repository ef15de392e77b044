// attention: train one of the seed's models from the command line and print the attention
// it learned, as numbers and as a text bar chart (the seed's scripts print and plot it).
//   attention --preset dense
//   attention --preset lstm_before --samples 20000 --single-attention-vector true
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>

#include "trainer.hpp"

using namespace attn;

namespace {

struct Flag {
    const char* help;
    std::function<void(Config&, const std::string&)> set;
};

int to_int(const std::string& flag, const std::string& v) {
    char* end = nullptr;
    errno = 0;
    const long r = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || errno || r < -2147483647L || r > 2147483647L)
        throw ConfigError(flag, "expected an integer (got '" + v + "')");
    return int(r);
}
float to_float(const std::string& flag, const std::string& v) {
    char* end = nullptr;
    const float r = std::strtof(v.c_str(), &end);
    if (v.empty() || *end) throw ConfigError(flag, "expected a number (got '" + v + "')");
    return r;
}
bool to_bool(const std::string& flag, const std::string& v) {
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    throw ConfigError(flag, "expected true or false (got '" + v + "')");
}

const std::map<std::string, Flag>& flags() {
    static const std::map<std::string, Flag> f{
        {"samples", {"N samples drawn from the data generator", [](Config& c, const std::string& v) { c.samples = to_int("samples", v); }}},
        {"epochs", {"epochs to train", [](Config& c, const std::string& v) { c.epochs = to_int("epochs", v); }}},
        {"batch-size", {"samples per batch", [](Config& c, const std::string& v) { c.batch_size = to_int("batch_size", v); }}},
        {"learning-rate", {"optimizer step size (> 0)", [](Config& c, const std::string& v) { c.learning_rate = to_float("learning_rate", v); }}},
        {"optimizer", {"adam | sgd | rmsprop", [](Config& c, const std::string& v) { c.optimizer = v; }}},
        {"momentum", {"SGD momentum in [0, 1)", [](Config& c, const std::string& v) { c.momentum = to_float("momentum", v); }}},
        {"loss", {"binary_crossentropy | mse | mae", [](Config& c, const std::string& v) { c.loss = v; }}},
        {"validation-split", {"last fraction held out for validation, in [0, 1)", [](Config& c, const std::string& v) { c.validation_split = to_float("validation_split", v); }}},
        {"input-dim", {"features per input (per time step for recurrent presets)", [](Config& c, const std::string& v) { c.input_dim = to_int("input_dim", v); }}},
        {"time-steps", {"sequence length (recurrent presets)", [](Config& c, const std::string& v) { c.time_steps = to_int("time_steps", v); }}},
        {"attention-column", {"the position that carries the target", [](Config& c, const std::string& v) { c.attention_column = to_int("attention_column", v); }}},
        {"units", {"Dense units (dense) or LSTM/GRU units", [](Config& c, const std::string& v) { c.units = to_int("units", v); }}},
        {"single-attention-vector", {"true: one attention vector shared by all dimensions", [](Config& c, const std::string& v) { c.single_attention_vector = to_bool("single_attention_vector", v); }}},
        {"dropout", {"dropout rate before the output layer, in [0, 1)", [](Config& c, const std::string& v) { c.dropout = to_float("dropout", v); }}},
        {"test-samples", {"held-out samples the attention is averaged over", [](Config& c, const std::string& v) { c.test_samples = to_int("test_samples", v); }}},
        {"seed", {"fixes data, weights, shuffling and dropout", [](Config& c, const std::string& v) {
             const long long s = std::strtoll(v.c_str(), nullptr, 10);
             if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || s > 4294967295LL)
                 throw ConfigError("seed", "expected an integer in [0, 4294967295] (got '" + v + "')");
             c.seed = uint32_t(s);
         }}},
    };
    return f;
}

void usage(FILE* out) {
    std::fprintf(out,
                 "Usage: attention --preset NAME [--flag value ...]\n\n"
                 "Trains one of the Keras attention examples and prints the attention it learned.\n\n"
                 "  --preset NAME   dense | lstm_after | lstm_before | gru_after | gru_before\n");
    for (const auto& [name, f] : flags()) std::fprintf(out, "  --%-24s %s\n", (name + " V").c_str(), f.help);
    std::fprintf(out, "  --quiet                    print only the final result\n"
                      "  --help                     this text\n\n"
                      "Defaults are the seed's: dense N=10000, 20 epochs, validation 0.5, input_dim 32,\n"
                      "attention column 1, Dense(64); recurrent N=300000, 1 epoch, validation 0.1,\n"
                      "input_dim 2, 20 time steps, attention column 10, 32 units. Batch 64, Adam lr 0.001.\n");
}

void bar_chart(const std::vector<float>& v, const char* label, int mark) {
    float top = 0;
    for (float x : v) top = std::max(top, x);
    for (size_t i = 0; i < v.size(); ++i) {
        const int width = top > 0 ? int(std::lround(40.0 * v[i] / top)) : 0;
        std::printf("%s %3zu %s %.4f %s%s\n", label, i, std::string(size_t(width), '#').c_str(), v[i],
                    std::string(size_t(40 - width), ' ').c_str(), int(i) == mark ? "<- target" : "");
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string preset;
    std::map<std::string, std::string> given;
    bool quiet = false;
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
        if (a.rfind("--", 0) != 0 || i + 1 >= argc) {
            std::fprintf(stderr, "attention: %s\n",
                         a.rfind("--", 0) == 0 ? ("missing value for " + a).c_str()
                                               : ("unexpected argument '" + a + "'").c_str());
            usage(stderr);
            return 2;
        }
        const std::string name = a.substr(2), value = argv[++i];
        if (name == "preset") preset = value;
        else if (flags().count(name)) given[name] = value;
        else {
            std::fprintf(stderr, "attention: unknown flag --%s (see --help)\n", name.c_str());
            return 2;
        }
    }
    if (preset.empty()) preset = "dense";
    try {
        Config c = defaults_for(preset);
        for (const auto& [name, value] : given) flags().at(name).set(c, value);
        Trainer trainer(c);
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
            if (!quiet)
                std::printf("Epoch %d/%d - loss: %.4f - acc: %.4f - val_loss: %.4f - val_acc: %.4f - %.0f samples/s\n",
                            m.epoch, c.epochs, m.loss, m.accuracy, m.val_loss, m.val_accuracy, m.samples_per_second);
            std::fflush(stdout);
        } while (m.status == Status::training);
        if (m.status == Status::diverged) {
            std::fprintf(stderr, "attention: training diverged: %s\n", m.message.c_str());
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
