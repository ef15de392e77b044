// Losses (values as Keras computes them, gradients by finite differences), the accuracy
// metric, and one step of each optimizer against hand-computed numbers.
#include <catch2/catch.hpp>
#include <cmath>

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
