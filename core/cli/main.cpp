// attention: train one model from the command line and print the attention it learned, as
// numbers, as a text bar chart (the seed's scripts print and plot it), and per sample next to
// the ground truth.
//   attention --preset dense
//   attention --preset lstm_before --samples 20000 --single-attention-vector true
//   attention --preset find_max --score=bahdanau --samples 20000 --epochs 5
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <string>

#include "data_file.hpp"
#include "flags.hpp"
#include "preset.hpp"
#include "task.hpp"
#include "trainer.hpp"

using namespace attn;

namespace {

constexpr int kMapSamples = 8;  // held-out samples printed beside their ground truth

std::string limits(const ConfigField& f) {
    char s[64] = "";
    if (f.kind == ConfigField::integer) std::snprintf(s, sizeof s, " [%.0f, %.0f]", f.min, f.max);
    return s;
}

void usage(FILE* out) {
    std::fprintf(out,
                 "Usage: attention [--preset NAME] [--flag value | --flag=value ...]\n\n"
                 "Trains one of the Keras attention examples and prints the attention it learned.\n"
                 "A preset sets every field's default; any field given after it overrides that.\n\n");
    for (const auto& f : config_fields())
        std::fprintf(out, "  --%-26s %s%s\n", (flag_name(f.name).substr(2) + " V").c_str(), f.help, limits(f).c_str());
    std::fprintf(out,
                 "  --quiet                      print only the final attention\n"
                 "  --data FILE                  train on a CSV file instead of the task's data (see the\n"
                 "                               README, \"Your own data\": x_<i> or x_<t>_<d>, y, mask_<p>)\n"
                 "  --trace N                    train N single steps [1, %d]; print each batch loss\n"
                 "                               and the final attention as JSON with exact float values\n"
                 "  --help                       this text\n\nPresets:\n",
                 kMaxTrace);
    for (const auto& p : presets()) std::fprintf(out, "  %-20s %s\n", p.name, p.description);
    std::fprintf(out, "\nTasks:\n");
    for (const auto& t : tasks()) std::fprintf(out, "  %-20s %s\n", t.name, t.description);
    std::fprintf(out,
                 "\nA run may use at most %lld MB (data, parameters and optimizer state, activations);\n"
                 "a config that needs more is refused before anything is allocated.\n",
                 kMemoryBudget / 1000000);
}

void bar_chart(const std::vector<float>& v, const char* label, const std::vector<int>& marks) {
    float top = 0;
    for (float x : v) top = std::max(top, x);
    for (size_t i = 0; i < v.size(); ++i) {
        const int width = top > 0 ? int(std::lround(40.0 * v[i] / top)) : 0;
        const bool mark = std::find(marks.begin(), marks.end(), int(i)) != marks.end();
        std::printf("%s %3zu %.4f |%s%s|%s\n", label, i, v[i], std::string(size_t(width), '#').c_str(),
                    std::string(size_t(40 - width), ' ').c_str(), mark ? " <- target" : "");
    }
}

// Each held-out sample's attention in percent per position, the ground truth in brackets.
void print_maps(Trainer& t, int n) {
    const AttentionMaps maps = t.attention_maps(n);
    const auto& shape = maps.attention.shape;
    const int P = shape[1], F = shape.size() > 2 ? shape[2] : 1;
    std::printf("\nAttention of %d held-out samples, %% per position%s; [x] is the ground truth:\n", n,
                F > 1 ? " (mean over the features)" : "");
    const Tensor targets = t.test_targets();
    for (int s = 0; s < n; ++s) {
        std::printf("sample %2d ", s);
        int peak = 0;
        std::vector<float> row(static_cast<size_t>(P));
        for (int p = 0; p < P; ++p) {
            float sum = 0;
            for (int f = 0; f < F; ++f) sum += maps.attention.data[(size_t(s) * P + p) * F + f];
            row[size_t(p)] = sum / float(F);
            if (row[size_t(p)] > row[size_t(peak)]) peak = p;
        }
        for (int p = 0; p < P; ++p) {
            const bool truth = !maps.mask.data.empty() && maps.mask.data[size_t(s) * P + p] != 0.0f;
            std::printf(truth ? "[%2.0f]" : " %2.0f ", double(100.0f * row[size_t(p)]));
        }
        std::printf("  peak %d, target %.4g\n", peak, double(targets.data[size_t(s)]));
    }
}

// A translation model's held-out samples: source, target and greedy decoding as text, and the
// alignment as a table (a row per output character, % per source character, [x] the truth).
void print_alignments(Trainer& t, int n) {
    const Task& task = find_task(t.config().task);
    const AttentionMaps maps = t.attention_maps(n);
    const int Tt = maps.attention.shape[1], Ts = maps.attention.shape[2];
    const Tensor x = t.test_inputs(), y = t.test_targets();
    Tensor first = x;
    first.shape[0] = n;
    first.data.resize(size_t(n) * Ts);
    const Tensor p = t.predict(first);
    const int V = p.shape[2];
    auto text = [&](int id) { return id == 0 ? std::string("_") : std::string(1, task.alphabet[id - 1]); };
    for (int i = 0; i < n; ++i) {
        std::string source, target, decoded;
        for (int s = 0; s < Ts; ++s) source += text(int(x.data[size_t(i) * Ts + s]));
        for (int k = 0; k < Tt; ++k) {
            target += text(int(y.data[size_t(i) * Tt + k]));
            const float* probs = p.data.data() + (size_t(i) * Tt + k) * V;
            decoded += text(int(std::max_element(probs, probs + V) - probs));
        }
        std::printf("\nsample %d: %s -> %s (target %s)\n   ", i, source.c_str(), decoded.c_str(), target.c_str());
        for (int s = 0; s < Ts; ++s) std::printf("  %s ", text(int(x.data[size_t(i) * Ts + s])).c_str());
        std::printf("\n");
        for (int k = 0; k < Tt; ++k) {
            std::printf(" %s ", decoded.substr(size_t(k), 1).c_str());
            for (int s = 0; s < Ts; ++s) {
                const size_t at = (size_t(i) * Tt + k) * Ts + s;
                const bool truth = !maps.mask.data.empty() && maps.mask.data[at] != 0.0f;
                std::printf(truth ? "[%2.0f]" : " %2.0f ", double(100.0f * maps.attention.data[at]));
            }
            std::printf("\n");
        }
    }
}

// Exact floats: %.9g round-trips every float32.
void print_floats(const char* name, const float* v, size_t n) {
    std::printf("\"%s\": [", name);
    for (size_t i = 0; i < n; ++i) std::printf("%s%.9g", i ? ", " : "", double(v[i]));
    std::printf("]");
}

int trace(Trainer& t, int steps) {
    std::vector<float> losses;
    for (int i = 0; i < steps; ++i) {
        const Metrics m = t.step(1);
        if (m.status == Status::done || m.status == Status::diverged) break;
        losses.push_back(m.batch_loss);
    }
    std::printf("{");
    print_floats("batch_loss", losses.data(), losses.size());
    if (t.config().attention != "none") {
        const Tensor a = t.attention();
        std::printf(", ");
        print_floats("attention", a.data.data(), a.data.size());
    }
    std::printf("}\n");
    return 0;
}

std::string scores_text(const char* prefix, const Scores& s, const char* metric) {
    char buf[200];
    std::snprintf(buf, sizeof buf, " - %sloss: %.4f - %s%s: %.4f", prefix, double(s.loss), prefix, metric, double(s.metric));
    std::string r = buf;
    if (!std::isnan(s.attention_on_target)) {
        std::snprintf(buf, sizeof buf, " - %son_target: %.3f - %shit_rate: %.3f", prefix, double(s.attention_on_target),
                      prefix, double(s.hit_rate));
        r += buf;
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Flags flags = parse_flags(argc, argv);
        if (flags.help) {
            usage(stdout);
            return 0;
        }
        Config c = flags.config;
        const bool quiet = flags.quiet;
        DataFile data;
        if (!flags.data_path.empty()) {  // the file's shape sets the sizes
            data = read_data_file(flags.data_path, kMemoryBudget / 4);
            const Task& task = find_task(c.task);
            if (task.sequence != (data.time > 0))
                throw ConfigError("data", std::string("the file holds ") + (data.time ? "sequences" : "vectors") + ", and task " +
                                              c.task + " takes " + (task.sequence ? "sequences" : "vectors") + ": choose another --preset");
            c.samples = data.n;
            c.input_dim = data.dim;
            if (data.time) c.time_steps = data.time;
            c.test_samples = std::min(c.test_samples, data.n);
        }
        Trainer trainer(c);
        if (!flags.data_path.empty()) trainer.set_data(data.x, data.y, data.mask.shape.empty() ? nullptr : &data.mask);
        if (flags.trace_steps) return trace(trainer, flags.trace_steps);
        const Task& task = find_task(c.task);
        const char* metric = metric_name(task.metric);
        if (!quiet) {
            std::printf("%-18s %-12s %-16s %10s\n", "Layer", "Type", "Output shape", "Params");
            for (const auto& r : trainer.summary())
                std::printf("%-18s %-12s %-16s %10lld\n", r.name.c_str(), r.kind.c_str(), r.output_shape.c_str(), r.params);
            std::printf("Total params: %lld\n\nTask %s: %s\nTrain on %d samples, validate on %d samples\n",
                        trainer.parameter_count(), task.name, task.description, c.train_samples(),
                        c.validation_samples());
        }
        Metrics m;
        do {
            m = trainer.train(1);
            if (!quiet && m.status != Status::diverged) {
                std::string line = "Epoch " + std::to_string(m.epoch) + "/" + std::to_string(c.epochs) +
                                   scores_text("", m.train, metric);
                if (c.validation_samples()) line += scores_text("val_", m.val, metric);
                std::printf("%s - %.0f samples/s\n", line.c_str(), m.samples_per_second);
            }
            std::fflush(stdout);
        } while (m.status == Status::training);
        if (m.status == Status::diverged) {
            std::fprintf(stderr, "attention: %s\n", m.message.c_str());
            return 1;
        }
        if (c.attention == "none") {
            std::printf("\nNo attention in this model (attention none); final val_%s %.4f\n", metric,
                        double(m.val.metric));
            return 0;
        }
        if (c.self_attention()) {  // per head: the (step, position) maps do not fit a line per sample
            std::printf("\nAttention on target per head (held-out samples), final val_%s %.4f:\n", metric,
                        double(m.val.metric));
            for (const HeadScores& h : trainer.head_scores())
                std::printf("layer %d head %d: on target %.3f, hit rate %.3f\n", h.layer, h.head,
                            double(h.attention_on_target), double(h.hit_rate));
            return 0;
        }
        if (c.seq2seq()) {  // an alignment per sample: (output step, source position)
            const int shown = std::min(3, trainer.test_inputs().shape[0]);  // a table each
            std::printf("\nAlignments of %d held-out samples (greedy decoding), %% per source character; [x] is the "
                        "ground truth:\n", shown);
            print_alignments(trainer, shown);
            std::printf("\nfinal val_%s %.4f, held-out sequence accuracy %.4f", metric, double(m.val.metric),
                        double(trainer.sequence_accuracy()));
            if (!std::isnan(m.val.attention_on_target))
                std::printf(", val attention on target %.3f, hit rate %.3f", double(m.val.attention_on_target),
                            double(m.val.hit_rate));
            std::printf("\n");
            return 0;
        }
        const Tensor a = trainer.attention();
        std::vector<float> per_pos;  // averaged over features for the chart, as the seed plots it
        const int positions = a.shape[0], dims = a.shape.size() > 1 ? a.shape[1] : 1;
        for (int p = 0; p < positions; ++p) {
            double s = 0;
            for (int d = 0; d < dims; ++d) s += a.data[size_t(p) * dims + d];
            per_pos.push_back(float(s / dims));
        }
        std::printf("\nAttention (shape [%d%s], averaged over %d held-out samples%s):\n", positions,
                    dims > 1 ? (", " + std::to_string(dims)).c_str() : "", c.test_samples,
                    dims > 1 ? " and the features" : "");
        std::vector<int> marks;
        if (task.answer_position) marks.push_back(c.attention_column);
        bar_chart(per_pos, c.recurrent() ? "t" : "x", marks);
        print_maps(trainer, std::min(kMapSamples, trainer.test_inputs().shape[0]));
        int argmax = 0;
        for (int p = 1; p < positions; ++p)
            if (per_pos[size_t(p)] > per_pos[size_t(argmax)]) argmax = p;
        std::printf("argmax %d", argmax);
        if (task.answer_position) std::printf(" (target %d)", c.attention_column);
        std::printf(", final val_%s %.4f", metric, double(m.val.metric));
        if (!std::isnan(m.val.attention_on_target))
            std::printf(", val attention on target %.3f, hit rate %.3f", double(m.val.attention_on_target),
                        double(m.val.hit_rate));
        std::printf("\n");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "attention: %s\n", e.what());
        return 2;
    }
}
