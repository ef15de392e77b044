// Optimizers with Keras's update rules, walking the flat parameter and gradient buffers.
//   Adam:    m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//            p -= lr sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)   (b1 .9, b2 .999, eps 1e-7)
//   SGD:     u = momentum u - lr g;  p += u
//   RMSprop: s = rho s + (1-rho) g^2;  p -= lr g / (sqrt(s) + eps)  (rho .9, eps 1e-7)
// Powers b^t are kept as running products (no pow(): libm differs between builds).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace attn {

class Archive;

class Optimizer {
public:
    virtual ~Optimizer() = default;
    virtual void update(Vec& params, const Vec& grads) = 0;
    virtual void io(Archive& a) = 0;  // its state (moments, step powers), for a saved run
};

struct OptimizerConfig {
    std::string name = "adam";  // adam, sgd, rmsprop
    float learning_rate = 0.001f;
    float momentum = 0.0f;      // sgd only
};

// The names the config takes; make_optimizer throws ConfigError("optimizer", ...) for others.
const std::vector<std::string>& optimizer_names();
std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& c, size_t n_params);

class Adam : public Optimizer {
public:
    Adam(float lr, size_t n, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-7f);
    void update(Vec& p, const Vec& g) override;
    void io(Archive& a) override;

private:
    float lr_, b1_, b2_, eps_;
    float b1_pow_ = 1.0f, b2_pow_ = 1.0f;  // b1^t, b2^t
    Vec m_, v_;
};

class SGD : public Optimizer {
public:
    SGD(float lr, float momentum, size_t n);
    void update(Vec& p, const Vec& g) override;
    void io(Archive& a) override;

private:
    float lr_, momentum_;
    Vec u_;
};

class RMSprop : public Optimizer {
public:
    RMSprop(float lr, size_t n, float rho = 0.9f, float eps = 1e-7f);
    void update(Vec& p, const Vec& g) override;
    void io(Archive& a) override;

private:
    float lr_, rho_, eps_;
    Vec s_;
};

}  // namespace attn
