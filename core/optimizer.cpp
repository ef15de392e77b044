#include "optimizer.hpp"

#include <cmath>
#include "archive.hpp"
#include "config.hpp"

namespace attn {

namespace {
// Elementwise sqrt through std::sqrt, which IEEE makes exact everywhere. Eigen's vectorised
// .sqrt() on SSE (with EIGEN_FAST_MATH) starts from _mm_rsqrt_ps, a hardware-specific
// approximation that wasm emulates differently: it would break native/wasm bit-identity.
float exact_sqrt(float x) { return std::sqrt(x); }
}  // namespace

const std::vector<std::string>& optimizer_names() {
    static const std::vector<std::string> names{"adam", "sgd", "rmsprop"};
    return names;
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& c, size_t n) {
    if (c.name == "adam") return std::make_unique<Adam>(c.learning_rate, n);
    if (c.name == "sgd") return std::make_unique<SGD>(c.learning_rate, c.momentum, n);
    if (c.name == "rmsprop") return std::make_unique<RMSprop>(c.learning_rate, n);
    throw ConfigError("optimizer", "unknown optimizer " + quoted(c.name) + " (expected adam, sgd or rmsprop)");
}

Adam::Adam(float lr, size_t n, float beta1, float beta2, float eps)
    : lr_(lr), b1_(beta1), b2_(beta2), eps_(eps), m_(Vec::Zero(Eigen::Index(n))),
      v_(Vec::Zero(Eigen::Index(n))) {}

void Adam::update(Vec& p, const Vec& g) {
    b1_pow_ *= b1_;
    b2_pow_ *= b2_;
    const float alpha = lr_ * std::sqrt(1.0f - b2_pow_) / (1.0f - b1_pow_);
    m_.array() = b1_ * m_.array() + (1.0f - b1_) * g.array();
    v_.array() = b2_ * v_.array() + (1.0f - b2_) * g.array().square();
    p.array() -= alpha * m_.array() / (v_.array().unaryExpr(&exact_sqrt) + eps_);
}

void Adam::io(Archive& a) {
    a.io(b1_pow_);
    a.io(b2_pow_);
    a.io(m_);
    a.io(v_);
}

SGD::SGD(float lr, float momentum, size_t n) : lr_(lr), momentum_(momentum), u_(Vec::Zero(Eigen::Index(n))) {}

void SGD::update(Vec& p, const Vec& g) {
    u_ = momentum_ * u_ - lr_ * g;
    p += u_;
}

void SGD::io(Archive& a) { a.io(u_); }

RMSprop::RMSprop(float lr, size_t n, float rho, float eps)
    : lr_(lr), rho_(rho), eps_(eps), s_(Vec::Zero(Eigen::Index(n))) {}

void RMSprop::update(Vec& p, const Vec& g) {
    s_.array() = rho_ * s_.array() + (1.0f - rho_) * g.array().square();
    p.array() -= lr_ * g.array() / (s_.array().unaryExpr(&exact_sqrt) + eps_);
}

void RMSprop::io(Archive& a) { a.io(s_); }

}  // namespace attn
