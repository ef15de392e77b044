// Losses (values as Keras computes them, gradients by finite differences), the accuracy
// metric, and one step of each optimizer against hand-computed numbers.
#include <catch2/catch.hpp>
#include <cmath>

#include "dense.hpp"
#include "gradcheck.hpp"
#include "loss.hpp"
#include "optimizer.hpp"

using namespace attn;

TEST_CASE("binary cross-entropy: Keras's value, clipped at epsilon", "[loss]") {
    Mat p(1, 3), y(1, 3);
    p << 0.9f, 0.2f, 0.0f;
    y << 1.0f, 0.0f, 1.0f;
    // -(log 0.9 + log 0.8 + log 1e-7) / 3: the exact 0 is clipped to Keras's epsilon
    const double want = -(std::log(0.9) + std::log(0.8) + std::log(1e-7)) / 3.0;
    CHECK(loss_forward(Loss::binary_crossentropy, p, y) == Approx(want).epsilon(1e-5));
    Mat all_wrong(1, 2), targets(1, 2);
    all_wrong << 1.0f, 0.0f;
    targets << 0.0f, 1.0f;
    const float worst = loss_forward(Loss::binary_crossentropy, all_wrong, targets);
    CHECK(std::isfinite(worst));
    // like Keras in float32: 1 - eps rounds to 1 - 2^-23, so the two clipped terms differ a bit
    const double top = double(1.0f - kKerasEpsilon);
    CHECK(worst == Approx(-(std::log(1e-7) + std::log(1.0 - top)) / 2.0).epsilon(1e-5));
}

TEST_CASE("binary cross-entropy: the gradient passes at the clip's bounds, as Keras's and TF.js's", "[loss]") {
    // Keras clips p to [eps, 1 - eps] with tf.clip_by_value (TF.js with clipByValue), whose
    // gradient is zero only where x < min or x > max: at a bound it passes. With n = 2:
    //   p = eps,     y = 1: dL/dp = (p - 1) / (p (1 - p)) / 2 = -1 / (2 eps) = -5e6
    //   p = 1 - eps, y = 0: dL/dp = p / (p (1 - p)) / 2 = 1 / (2 * 2^-23) = 2^22
    // (1 - eps is 1 - 2^-23 in float), and zero one float further out.
    Mat p(1, 2), y(1, 2), dp(1, 2);
    p << kKerasEpsilon, 1.0f - kKerasEpsilon;
    y << 1.0f, 0.0f;
    loss_backward(Loss::binary_crossentropy, p, y, dp);
    CHECK(dp(0) == Approx(-0.5 / 1e-7).epsilon(1e-6));
    CHECK(dp(1) == Approx(4194304.0).epsilon(1e-6));
    p << std::nextafter(kKerasEpsilon, 0.0f), std::nextafter(1.0f - kKerasEpsilon, 2.0f);
    loss_backward(Loss::binary_crossentropy, p, y, dp);
    CHECK(dp(0) == 0.0f);
    CHECK(dp(1) == 0.0f);
}

TEST_CASE("binary cross-entropy after the output sigmoid: a confidently wrong logit's gradient", "[loss]") {
    // Dense(1, sigmoid) with weight z and input 1 gives logit z; y is the wrong label. Per
    // sample, dL/dz = dL/dp * p (1 - p) = (p - y) while the clip lets the gradient through,
    // and 0 beyond it. By hand (floats below 1 are 2^-24 apart; 1 - eps is 1 - 2^-23):
    //   z = 15.5, y = 0: p = 1 - e^-15.5 = 1 - 1.86e-7 -> 1 - 3 * 2^-24, inside: dL/dz = p ~ 1
    //   z = 16.0, y = 0: p = 1 - 1.13e-7 -> 1 - 2^-23 = 1 - eps, at the bound: dL/dz ~ 1
    //   z = 20,   y = 0: p = 1 - 2.1e-9 -> 1, clipped: 0
    //   z = -15.5, y = 1: p = 1.86e-7 >= eps, inside: dL/dz = p - 1 ~ -1
    //   z = -20,  y = 1: p = 2.1e-9 < eps, clipped: 0
    // TF.js 4.22 (cpu backend: tf.sigmoid, then tf.metrics.binaryCrossentropy, through
    // tf.grad) gives 0.99999988, 0.99999988, 0, -0.99999988 and 0. Before, the strict bound
    // and Eigen's float logistic (1 - 2^-23 at 15.5, 1 from 15.7) gave 0 from z = 15.5 up.
    struct Case {
        float z, y, want;
    };
    for (const Case c : {Case{15.5f, 0.0f, 1.0f}, Case{16.0f, 0.0f, 1.0f}, Case{20.0f, 0.0f, 0.0f},
                         Case{-15.5f, 1.0f, -1.0f}, Case{-20.0f, 1.0f, 0.0f}}) {
        INFO("logit " << c.z << ", label " << c.y);
        ParamStore ps;
        Dense out("dense", Shape{0, 1}, 1, Activation::sigmoid, false, 1, ps);
        ps.allocate();
        ps.value(0)(0) = c.z;
        const Mat x = Mat::Ones(1, 1);  // kept alive: backward reads it
        const Mat p = out.forward(x, false);
        Mat y(1, 1), dp(1, 1);
        y << c.y;
        loss_backward(Loss::binary_crossentropy, p, y, dp);
        ps.zero_grad();
        out.backward(dp);  // dL/dw = x dL/dz with x = 1
        CHECK(ps.grad(0)(0) == Approx(c.want).margin(1e-6));
        CHECK(std::isfinite(loss_forward(Loss::binary_crossentropy, p, y)));
    }
}

TEST_CASE("mse and mae values", "[loss]") {
    Mat p(2, 2), y(2, 2);
    p << 1, 2, 3, 4;
    y << 0, 2, 5, 3;
    CHECK(loss_forward(Loss::mse, p, y) == Approx((1 + 0 + 4 + 1) / 4.0));
    CHECK(loss_forward(Loss::mae, p, y) == Approx((1 + 0 + 2 + 1) / 4.0));
}

TEST_CASE("losses: gradients by finite differences", "[loss][gradient]") {
    Rng rng(4, Stream::data);
    Mat p(1, 6), y(1, 6);
    for (int i = 0; i < 6; ++i) {
        p(i) = 0.1f + 0.8f * float(rng.uniform01());  // inside the clip range, away from 0 / 1
        y(i) = float(rng.below(2));
    }
    y(0) = 0.3f;  // soft targets too
    for (Loss l : {Loss::binary_crossentropy, Loss::mse, Loss::mae}) {
        INFO("loss " << loss_name(l));
        Mat dp(1, 6);
        loss_backward(l, p, y, dp);
        auto value = [&] { return double(loss_forward(l, p, y)); };
        const auto e = attn::test::compare(p.data(), dp.data(), 6, value, 1e-3f);
        CHECK(e.max_abs_grad > 1e-3);
        CHECK(e.relative() < 1e-2);
    }
}

TEST_CASE("binary accuracy thresholds at 0.5", "[loss]") {
    Mat p(1, 4), y(1, 4);
    p << 0.9f, 0.4f, 0.6f, 0.5f;
    y << 1, 0, 0, 1;  // right, right, wrong, wrong (0.5 is not > 0.5)
    CHECK(binary_accuracy(p, y) == Approx(0.5));
}

TEST_CASE("Adam: two steps against hand-computed values", "[optimizer]") {
    // lr 0.001, b1 0.9, b2 0.999, eps 1e-7; p = 1, gradients 0.5 then -0.25:
    // t=1: m = 0.05, v = 0.00025, alpha = lr sqrt(1-b2)/(1-b1) -> p = 0.9990000063
    // t=2: m = 0.02, v = 0.0003121, alpha = lr sqrt(1-b2^2)/(1-b1^2) -> p = 0.9987336708
    Adam adam(0.001f, 1);
    Vec p(1), g(1);
    p << 1.0f;
    g << 0.5f;
    adam.update(p, g);
    CHECK(p(0) == Approx(0.9990000063).epsilon(1e-7));
    g << -0.25f;
    adam.update(p, g);
    CHECK(p(0) == Approx(0.9987336708).epsilon(1e-7));
}

TEST_CASE("SGD with momentum and RMSprop: hand-computed steps", "[optimizer]") {
    Vec p(1), g(1);
    SGD sgd(0.1f, 0.9f, 1);  // u = 0.9 u - 0.1 g; p += u
    p << 1.0f;
    g << 1.0f;
    sgd.update(p, g);
    CHECK(p(0) == Approx(0.9));
    sgd.update(p, g);  // u = -0.09 - 0.1 = -0.19
    CHECK(p(0) == Approx(0.71));

    RMSprop rms(0.01f, 1);  // s = 0.1 g^2 = 0.4 for g = 2; p -= 0.01 * 2 / (sqrt(0.4) + 1e-7)
    p << 1.0f;
    g << 2.0f;
    rms.update(p, g);
    CHECK(p(0) == Approx(1.0 - 0.02 / (std::sqrt(0.4) + 1e-7)).epsilon(1e-6));
}

TEST_CASE("make_optimizer rejects an unknown name, naming the field", "[optimizer]") {
    CHECK_THROWS_WITH(make_optimizer({"adagrad", 0.01f, 0.0f}, 3), Catch::Contains("optimizer") && Catch::Contains("adagrad"));
    CHECK(make_optimizer({"rmsprop", 0.01f, 0.0f}, 3) != nullptr);
}
