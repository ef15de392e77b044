// The seq2seq family: SeqAttention against a plain-loop double twin and finite differences,
// the whole encoder-decoder's gradients (embeddings, both cells through the decoder's initial
// state, each score), its causality, the translation tasks' data and alignments, the config's
// checks, translate(), and a short run that must learn (the 8-seed outcomes:
// seq2seq_outcomes.test.cpp, [slow]).
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "data.hpp"
#include "expect.hpp"
#include "preset.hpp"
#include "reference.hpp"
#include "seq2seq.hpp"
#include "seq_attention.hpp"
#include "task.hpp"
#include "trainer.hpp"

using namespace attn;
using namespace attn::test;

namespace {

const char* name_of(Seq2SeqScore s) {
    return s == Seq2SeqScore::dot ? "dot" : s == Seq2SeqScore::luong ? "luong" : "bahdanau";
}

// Weights drawn so that, for inputs in (-1, 1), the scores and the tanh's inputs have about
// unit spread: W ~ 1/U (a score sums U^2 products), W1, W2, v ~ 1/sqrt(U), Wc ~ 1/sqrt(2U).
void randomize_seq_attention(ParamStore& ps, Rng& rng, int U) {
    for (const auto& p : ps.list()) {
        const bool luong = p.name.rfind("luong_w", 0) == 0, out = p.name.rfind("attention_vector", 0) == 0;
        const float scale = luong ? 1.0f / float(U) : 1.0f / std::sqrt(float(out ? 2 * U : U));
        float* w = ps.values().data() + p.offset;
        for (long i = 0; i < long(p.rows) * p.cols; ++i) w[i] = scale * float(rng.normal());
    }
}

// The plain-loop double twin of SeqAttention on one sample: queries q (U, Tt), keys k (U, Ts)
// -> y (A, Tt), alpha (Ts, Tt); for dy: dq, dk and every kernel's gradient (in ps's order).
struct SeqAttentionTwin {
    Seq2SeqScore score;
    std::vector<Eigen::MatrixXd> W;  // luong: W; bahdanau: W1, W2, v (1, U); then Wc (A, 2U)
    Eigen::MatrixXd y, alpha, dq, dk;
    std::vector<Eigen::MatrixXd> dW;

    void run(const Eigen::MatrixXd& q, const Eigen::MatrixXd& k, const Eigen::MatrixXd& dy) {
        const int U = int(q.rows()), Tt = int(q.cols()), Ts = int(k.cols());
        const Eigen::MatrixXd& Wc = W.back();
        Eigen::MatrixXd S(Ts, Tt), E_sum;
        std::vector<Eigen::MatrixXd> E(size_t(Tt), Eigen::MatrixXd(U, Ts));  // bahdanau
        for (int t = 0; t < Tt; ++t)
            for (int s = 0; s < Ts; ++s) {
                double v = 0;
                if (score == Seq2SeqScore::dot) {
                    for (int i = 0; i < U; ++i) v += q(i, t) * k(i, s);
                } else if (score == Seq2SeqScore::luong) {
                    for (int i = 0; i < U; ++i)
                        for (int j = 0; j < U; ++j) v += q(i, t) * W[0](i, j) * k(j, s);
                } else {
                    for (int i = 0; i < U; ++i) {
                        double pre = 0;
                        for (int j = 0; j < U; ++j) pre += W[0](i, j) * q(j, t) + W[1](i, j) * k(j, s);
                        E[size_t(t)](i, s) = std::tanh(pre);
                        v += W[2](0, i) * E[size_t(t)](i, s);
                    }
                }
                S(s, t) = v;
            }
        alpha.resize(Ts, Tt);
        for (int t = 0; t < Tt; ++t) {
            const double mx = S.col(t).maxCoeff();
            double sum = 0;
            for (int s = 0; s < Ts; ++s) sum += std::exp(S(s, t) - mx);
            for (int s = 0; s < Ts; ++s) alpha(s, t) = std::exp(S(s, t) - mx) / sum;
        }
        const Eigen::MatrixXd ctx = k * alpha;  // (U, Tt)
        Eigen::MatrixXd cat(2 * U, Tt);
        cat << ctx, q;
        y = (Wc * cat).array().tanh();
        // backward
        const Eigen::MatrixXd dz = dy.array() * (1.0 - y.array().square());
        dW.assign(W.size(), Eigen::MatrixXd());
        dW.back() = dz * cat.transpose();
        const Eigen::MatrixXd dcat = Wc.transpose() * dz;
        const Eigen::MatrixXd dctx = dcat.topRows(U);
        dq = dcat.bottomRows(U);
        const Eigen::MatrixXd dalpha = k.transpose() * dctx;
        dk = dctx * alpha.transpose();
        Eigen::MatrixXd dS(Ts, Tt);
        for (int t = 0; t < Tt; ++t) {
            double dot = 0;
            for (int s = 0; s < Ts; ++s) dot += dalpha(s, t) * alpha(s, t);
            for (int s = 0; s < Ts; ++s) dS(s, t) = alpha(s, t) * (dalpha(s, t) - dot);
        }
        if (score == Seq2SeqScore::dot) {
            dq += k * dS;
            dk += q * dS.transpose();
        } else if (score == Seq2SeqScore::luong) {  // S = q^T W k
            dq += W[0] * k * dS;
            dk += W[0].transpose() * q * dS.transpose();
            dW[0] = q * dS.transpose() * k.transpose();
        } else {
            dW[0] = Eigen::MatrixXd::Zero(U, U);
            dW[1] = Eigen::MatrixXd::Zero(U, U);
            dW[2] = Eigen::MatrixXd::Zero(1, U);
            for (int t = 0; t < Tt; ++t)
                for (int s = 0; s < Ts; ++s)
                    for (int i = 0; i < U; ++i) {
                        const double e = E[size_t(t)](i, s);
                        dW[2](0, i) += dS(s, t) * e;
                        const double dpre = dS(s, t) * W[2](0, i) * (1 - e * e);
                        for (int j = 0; j < U; ++j) {
                            dW[0](i, j) += dpre * q(j, t);
                            dW[1](i, j) += dpre * k(j, s);
                            dq(j, t) += W[0](i, j) * dpre;
                            dk(j, s) += W[1](i, j) * dpre;
                        }
                    }
        }
    }
};

// A batch of token ids (1, (Ts+Tt)*B): sources, then decoder inputs, each in 0 .. V-1.
Mat token_batch(int Ts, int Tt, int V, int B, Rng& rng) {
    Mat x(1, (Ts + Tt) * B);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = float(rng.below(uint32_t(V)));
    return x;
}

Config preset(const char* name, uint32_t seed = 1) {
    Config c = defaults_for(name);
    c.seed = seed;
    return c;
}

}  // namespace

TEST_CASE("Seq2Seq: its parts, their parameters' names and Keras shapes, the summary", "[seq2seq]") {
    ParamStore ps;
    Seq2Seq m("seq2seq", 6, 4, 11, 8, 5, false, true, Seq2SeqScore::bahdanau, 3, ps);
    std::vector<std::string> names;
    for (const auto& p : ps.list()) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"encoder_embedding/embeddings", "encoder/kernel", "encoder/recurrent_kernel",
                                            "encoder/bias", "decoder_embedding/embeddings", "decoder/kernel",
                                            "decoder/recurrent_kernel", "decoder/bias", "bahdanau_w1/kernel",
                                            "bahdanau_w2/kernel", "bahdanau_v/kernel", "attention_vector/kernel"});
    CHECK(ps.list()[0].keras_shape == std::vector<int>{11, 8});
    CHECK(ps.list()[10].keras_shape == std::vector<int>{8, 1});
    CHECK(ps.list()[11].keras_shape == std::vector<int>{16, 5});
    CHECK(m.input_shape() == Shape{10, 1});
    CHECK(m.output_shape() == Shape{4, 5});
    const auto rows = m.summary();
    REQUIRE(rows.size() == 5);
    CHECK(rows[0].name == "encoder_embedding");
    CHECK(rows[3].name == "decoder");
    CHECK(rows[3].output_shape == "(None, 4, 8)");
    CHECK(rows[4].name == "attention");
    long long total = 0;
    for (const auto& r : rows) total += r.params;
    CHECK(total == (long long)ps.size());
    ps.allocate();
    Shape s;
    REQUIRE(m.named_output("attention_weight", &s) != nullptr);
    CHECK(s == Shape{4, 6});
    REQUIRE(m.named_output("encoder", &s) != nullptr);
    CHECK(s == Shape{6, 8});
}

TEST_CASE("SeqAttention matches a plain-loop double reference, forward and backward", "[seq2seq][reference]") {
    for (Seq2SeqScore score : {Seq2SeqScore::dot, Seq2SeqScore::luong, Seq2SeqScore::bahdanau}) {
        for (int B : {1, 3}) {
            const int U = 6, Tt = 4, Ts = 5, A = 7;  // 6 and 7: no multiples of the 4-float lanes
            INFO(name_of(score) << ", batch " << B);
            ParamStore ps;
            SeqAttention a("attention", Tt, Ts, U, A, score, B, ps);
            ps.allocate();
            Rng rng(5, Stream::init);
            randomize_seq_attention(ps, rng, U);
            const Mat q = uniform_mat(U, Tt * B, rng), k = uniform_mat(U, Ts * B, rng), dy = uniform_mat(A, Tt * B, rng);
            a.set_keys(k);
            const Mat y = a.forward(q, false);
            ps.zero_grad();
            const Mat dq = a.backward(dy);
            const Mat dk = a.keys_grad();
            SeqAttentionTwin twin{score, {}, {}, {}, {}, {}, {}};
            for (const auto& p : ps.list()) twin.W.push_back(MatMap(ps.values().data() + p.offset, p.rows, p.cols).cast<double>());
            std::vector<Eigen::MatrixXd> dW;
            Err ey, ea, edq, edk;
            for (int b = 0; b < B; ++b) {
                twin.run(sample_of(q, Tt, B, b), sample_of(k, Ts, B, b), sample_of(dy, Tt, B, b));
                const Eigen::MatrixXd yb = sample_of(y, Tt, B, b), ab = sample_of(a.weights(), Tt, B, b);
                const Eigen::MatrixXd dqb = sample_of(dq, Tt, B, b), dkb = sample_of(dk, Ts, B, b);
                for (Eigen::Index i = 0; i < yb.size(); ++i) ey.add(yb(i), twin.y(i));
                for (Eigen::Index i = 0; i < ab.size(); ++i) ea.add(ab(i), twin.alpha(i));
                for (Eigen::Index i = 0; i < dqb.size(); ++i) edq.add(dqb(i), twin.dq(i));
                for (Eigen::Index i = 0; i < dkb.size(); ++i) edk.add(dkb(i), twin.dk(i));
                if (dW.empty()) dW = twin.dW;
                else for (size_t i = 0; i < dW.size(); ++i) dW[i] += twin.dW[i];
            }
            CHECK(ey.err <= 1e-5 * ey.scale);
            CHECK(ea.err <= 1e-5 * ea.scale);
            CHECK(edq.err <= 1e-4 * edq.scale);
            CHECK(edk.err <= 1e-4 * edk.scale);
            for (size_t i = 0; i < ps.list().size(); ++i) {
                const auto& p = ps.list()[i];
                INFO(p.name);
                Err e;
                const float* g = ps.grads().data() + p.offset;
                for (long j = 0; j < long(p.rows) * p.cols; ++j) e.add(g[j], dW[i](j));
                CHECK(e.err <= 1e-4 * e.scale);
            }
        }
    }
}

TEST_CASE("SeqAttention: gradients (finite differences), queries and keys", "[seq2seq][gradient]") {
    for (Seq2SeqScore score : {Seq2SeqScore::dot, Seq2SeqScore::luong, Seq2SeqScore::bahdanau}) {
        const int U = 5, Tt = 3, Ts = 4, A = 6, B = 2;
        INFO(name_of(score));
        ParamStore ps;
        SeqAttention a("attention", Tt, Ts, U, A, score, B, ps);
        ps.allocate();
        Rng rng(9, Stream::init);
        randomize_seq_attention(ps, rng, U);
        Mat k = uniform_mat(U, Ts * B, rng);
        a.set_keys(k);
        check_layer_gradients(a, ps, uniform_mat(U, Tt * B, rng));
        // The keys: L = sum(G * y) as a function of k.
        const Mat q = uniform_mat(U, Tt * B, rng);
        const Mat G = random_mat(A, Tt * B, rng);
        auto loss = [&] { return (a.forward(q, false).cast<double>().array() * G.cast<double>().array()).sum(); };
        loss();
        ps.zero_grad();
        a.backward(G);
        const Mat dk = a.keys_grad();
        const GradError e = compare(k.data(), dk.data(), long(k.size()), loss, 1e-2f);
        INFO("keys: max error " << e.max_abs_error << " of max gradient " << e.max_abs_grad);
        CHECK(e.max_abs_grad > 1e-4);
        CHECK(e.relative() < 1e-2);
    }
}

TEST_CASE("Seq2Seq: every parameter's gradient (finite differences), each cell and score", "[seq2seq][gradient]") {
    struct Case {
        bool gru, reset_after;
        Seq2SeqScore score;
    };
    for (const Case& k : {Case{false, true, Seq2SeqScore::dot}, Case{false, true, Seq2SeqScore::luong},
                          Case{false, true, Seq2SeqScore::bahdanau}, Case{true, true, Seq2SeqScore::luong},
                          Case{true, false, Seq2SeqScore::bahdanau}, Case{true, true, Seq2SeqScore::dot}}) {
        INFO((k.gru ? (k.reset_after ? "gru" : "gru, reset before") : "lstm") << ", " << name_of(k.score));
        const int Ts = 4, Tt = 3, V = 6, U = 5, A = 4, B = 2;
        ParamStore ps;
        Seq2Seq m("seq2seq", Ts, Tt, V, U, A, k.gru, k.reset_after, k.score, B, ps);
        ps.allocate();
        Rng rng(13, Stream::init);
        randomize(ps, rng, 0.5f);
        check_layer_gradients(m, ps, token_batch(Ts, Tt, V, B, rng), 1e-2f, 1e-2f, 7, false);  // ids: no dx
    }
}

TEST_CASE("Seq2Seq: output t reads decoder inputs 0..t only, bit for bit, and the source reaches every step",
          "[seq2seq]") {
    const int Ts = 5, Tt = 4, V = 7, B = 3;
    for (bool gru : {false, true}) {
        ParamStore ps;
        Seq2Seq m("seq2seq", Ts, Tt, V, 6, 6, gru, true, Seq2SeqScore::luong, B, ps);
        ps.allocate();
        Rng rng(2, Stream::init);
        m.init(rng);
        Mat x = token_batch(Ts, Tt, V, B, rng);
        const Mat y = m.forward(x, false);
        for (int b = 0; b < B; ++b) x(0, (Ts + 2) * B + b) = float((int(x(0, (Ts + 2) * B + b)) + 1) % V);  // input 2
        const Mat y2 = m.forward(x, false);
        CHECK(y2.leftCols(2 * B) == y.leftCols(2 * B));
        CHECK(y2.rightCols(2 * B) != y.rightCols(2 * B));
        x(0, 0) = float((int(x(0, 0)) + 1) % V);  // the source of sample 0, step 0
        const Mat y3 = m.forward(x, false);
        for (int t = 0; t < Tt; ++t) CHECK(y3.col(t * B) != y2.col(t * B));
        CHECK(y3.col(1) == y2.col(1));  // sample 1 at step 0: untouched
    }
}

TEST_CASE("The translation tasks: targets, alignments, the date's formats and calendar", "[seq2seq][data]") {
    Rng rng(4, Stream::data);
    SECTION("reverse") {
        const Dataset d = reverse_sequence(50, 7, 11, rng);
        REQUIRE(d.outputs == 7);
        REQUIRE(d.positions == 49);
        for (int i = 0; i < d.n; ++i)
            for (int t = 0; t < 7; ++t) {
                CHECK(d.y[size_t(i) * 7 + t] == d.x[size_t(i) * 7 + 6 - t]);
                CHECK(d.x[size_t(i) * 7 + t] >= 1.0f);
                CHECK(d.x[size_t(i) * 7 + t] <= 10.0f);
                for (int s = 0; s < 7; ++s) CHECK(int(d.mask_of(i)[t * 7 + s]) == (s == 6 - t));
            }
    }
    SECTION("sort_digits") {
        const Dataset d = sort_digits(50, 8, 5, rng);
        for (int i = 0; i < d.n; ++i) {
            std::vector<float> x(d.x.begin() + i * 8, d.x.begin() + (i + 1) * 8), y(d.y.begin() + i * 8, d.y.begin() + (i + 1) * 8);
            std::sort(x.begin(), x.end());
            CHECK(x == y);
            for (int t = 0; t < 8; ++t)
                for (int s = 0; s < 8; ++s)
                    CHECK(int(d.mask_of(i)[t * 8 + s]) == (d.x[size_t(i) * 8 + s] == y[size_t(t)]));
        }
    }
    SECTION("date") {
        const int Ts = 14, n = 2000;
        const Dataset d = date_conversion(n, Ts, rng);
        REQUIRE(d.outputs == kIsoDateLength);
        auto text = [](const float* ids, int len) {
            std::string s;
            for (int k = 0; k < len; ++k) s += ids[k] == 0.0f ? '_' : kDateAlphabet[int(ids[k]) - 1];
            return s;
        };
        std::set<int> lengths;
        for (int i = 0; i < n; ++i) {
            const std::string src = text(&d.x[size_t(i) * Ts], Ts), iso = text(&d.y[size_t(i) * 10], 10);
            INFO(src << " -> " << iso);
            const size_t first = src.find_first_not_of('_');
            REQUIRE(first != std::string::npos);
            CHECK(src.find('_', first) == std::string::npos);  // padded on the left only
            lengths.insert(int(Ts - first));
            const int year = std::stoi(iso.substr(0, 4)), month = std::stoi(iso.substr(5, 2)), day = std::stoi(iso.substr(8, 2));
            CHECK(iso[4] == '-');
            CHECK(iso[7] == '-');
            CHECK((year >= 1950 && year <= 2049));
            CHECK((month >= 1 && month <= 12));
            const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            const int days[12] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            CHECK((day >= 1 && day <= days[month - 1]));
            // Every digit of the ISO date is aligned to source characters that are that digit
            // (the month's, where the source names it, to its three letters); "-" to none.
            for (int t = 0; t < 10; ++t) {
                const uint8_t* row = d.mask_of(i) + t * Ts;
                int marked = 0;
                for (int s = 0; s < Ts; ++s) {
                    if (!row[s]) continue;
                    ++marked;
                    if (src[size_t(s)] >= 'A') CHECK((t == 5 || t == 6));
                    else CHECK(src[size_t(s)] == iso[size_t(t)]);
                }
                if (t == 4 || t == 7) CHECK(marked == 0);
                else CHECK((marked == 1 || ((t == 5 || t == 6) && marked == 3)));
            }
        }
        CHECK(lengths == std::set<int>{8, 10, 11, 12});  // 20170907; 09/07/2017, 07.09.2017; 07 SEP 2017; SEP 07, 2017
    }
}

TEST_CASE("seq2seq configs: what does not go together is refused, naming the field", "[seq2seq][config]") {
    auto refused = [](Config c) {
        try {
            validate(c);
        } catch (const ConfigError& e) {
            return e.field + ": " + e.what();
        }
        return std::string("accepted");
    };
    Config c = preset("reverse");
    CHECK_NOTHROW(validate(c));
    Config k = c;
    k.task = "find_max";
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("attention:") && Catch::Matchers::Contains("translation task"));
    k = c;
    k.attention = "many_to_one";
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("attention:") && Catch::Matchers::Contains("choose seq2seq"));
    k = c;
    k.cell = "none";
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("cell:"));
    k = c;
    k.loss = "mae";
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("loss:"));
    k = c;
    k.vocab_size = 38;  // the start token and 36 characters at most
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("vocab_size:") && Catch::Matchers::Contains("3 to 37"));
    k = c;
    k.time_steps = 1;
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("time_steps:"));
    k = preset("date_conversion");
    k.vocab_size = 30;
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("vocab_size:") && Catch::Matchers::Contains("must be 35"));
    k = preset("date_conversion");
    k.time_steps = 11;
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("time_steps:") && Catch::Matchers::Contains("at least 12"));
    k = preset("find_max");
    k.score = "dot";
    CHECK_THAT(refused(k), Catch::Matchers::StartsWith("score:"));
    // Bahdanau's (U, Ts*Tt*B) buffers past 2^31 columns: refused by the memory budget, sized in 64 bits
    k = preset("reverse");
    k.score = "bahdanau";
    k.time_steps = 1000;
    k.batch_size = 4096;
    k.samples = 8192;
    CHECK_NOTHROW(validate(k));
    const ConfigError e = config_error([&] { Trainer t(k); });
    CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("more than the 1.0 GB a trainer may use"));
}

TEST_CASE("translate: a trained reverse model reverses typed text, and bad text is refused by index", "[seq2seq]") {
    Config c = preset("reverse");
    c.epochs = 2;
    Trainer tr(c);
    tr.train(2);
    CHECK(tr.metrics().val.metric > 0.95f);
    CHECK(tr.metrics().val.attention_on_target > 0.4f);
    CHECK(tr.sequence_accuracy() > 0.8f);
    const Translation t = tr.translate("20170907");
    CHECK(t.text == "70907102");
    CHECK(t.source.size() == 8);
    REQUIRE(t.attention.shape == std::vector<int>{8, 8});
    for (int step = 0; step < 8; ++step) {  // each output step's attention peaks on the anti-diagonal
        const float* row = t.attention.data.data() + step * 8;
        CHECK(std::max_element(row, row + 8) - row == 7 - step);
    }
    auto field_of = [&](const std::string& text) {
        try {
            tr.translate(text);
        } catch (const ConfigError& e) {
            return e.field;
        }
        return std::string("accepted");
    };
    CHECK(field_of("1234567") == "text");    // reverse takes exactly time_steps characters
    CHECK(field_of("1234x678") == "text[4]");
    CHECK(field_of("") == "text");
    Trainer other(preset("dense"));
    CHECK_THROWS_AS(other.translate("1"), ConfigError);
    CHECK(std::isnan(other.sequence_accuracy()));
}

TEST_CASE("translate: dates are padded like the task's sources, and predict decodes greedily", "[seq2seq]") {
    Config c = preset("date_conversion");
    c.samples = 2000;
    c.epochs = 1;
    Trainer tr(c);
    const Translation t = tr.translate("SEP 07, 2017");
    CHECK(t.source.size() == 12);
    CHECK(t.tokens.size() == 10);
    const Translation short_one = tr.translate("20170907");
    CHECK(short_one.source[0] == 0);  // padded on the left
    CHECK(short_one.source[3] == 0);
    CHECK(short_one.source[4] != 0);
    // predict on the held-out sources gives the greedy decoding's outputs: the same tokens as
    // translating each sample's text
    Tensor x = tr.test_inputs();
    x.shape[0] = 3;
    x.data.resize(3 * 12);
    const Tensor p = tr.predict(x);
    REQUIRE(p.shape == std::vector<int>{3, 10, 35});
    for (int i = 0; i < 3; ++i) {
        std::string text;
        for (int s = 0; s < 12; ++s)
            if (x.data[size_t(i) * 12 + s] != 0.0f) text += kDateAlphabet[int(x.data[size_t(i) * 12 + s]) - 1];
        const Translation one = tr.translate(text);
        for (int step = 0; step < 10; ++step) {
            const float* probs = p.data.data() + (size_t(i) * 10 + step) * 35;
            CHECK(std::max_element(probs, probs + 35) - probs == one.tokens[size_t(step)]);
        }
    }
}

TEST_CASE("Seq2Seq: greedy decoding that resumes at each new input gives whole forwards' bits", "[seq2seq]") {
    const int Ts = 5, Tt = 4, V = 7, B = 3;
    for (int cell = 0; cell < 3; ++cell) {  // lstm, gru, gru with reset_after false
        INFO("cell " << cell);
        ParamStore ps;
        Seq2Seq m("seq2seq", Ts, Tt, V, 6, 5, cell > 0, cell < 2, Seq2SeqScore::bahdanau, B, ps);
        ps.allocate();
        Rng rng(8, Stream::init);
        randomize(ps, rng, 0.5f);
        const Mat start = token_batch(Ts, Tt, V, B, rng);
        // Each decoding feeds step t's output back as input t+1 (here: a token computed from it).
        auto decode = [&](bool resume) {
            Mat x = start;
            x.rightCols(Tt * B).setZero();
            Mat y;
            for (int t = 0; t < Tt; ++t) {
                if (resume && t) m.resume_decoding(t);
                y = m.forward(x, false);
                if (t + 1 < Tt)
                    for (int b = 0; b < B; ++b) {
                        Eigen::Index best = 0;
                        y.col(t * B + b).maxCoeff(&best);
                        x(0, (Ts + t + 1) * B + b) = float(best % V);
                    }
            }
            return std::make_pair(y, Mat(m.attention().weights()));
        };
        const auto whole = decode(false), resumed = decode(true);
        CHECK(resumed.first == whole.first);
        CHECK(resumed.second == whole.second);
        // a training forward after it ignores any resume: the same as a fresh one
        m.resume_decoding(2);
        const Mat trained = m.forward(start, true);
        CHECK(trained == m.forward(start, true));
    }
}
