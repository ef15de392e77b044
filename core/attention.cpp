#include "attention.hpp"

#include <stdexcept>

#include "activation.hpp"
#include "gemm.hpp"
#include "init.hpp"

namespace attn {

// ---- Attention2D ------------------------------------------------------------------------

Attention2D::Attention2D(const std::string& name, Shape in, int batch, ParamStore& ps)
    : Layer(name, in, in, batch), ps_(ps) {
    if (in.is_sequence()) throw std::logic_error("Attention2D " + name + " takes vectors");
    const int F = in.features;
    iW_ = ps.declare("attention_probs/kernel", F, F, {F, F});
    ib_ = ps.declare("attention_probs/bias", F, 1, {F});
    a_.resize(F, batch);
    da_.resize(F, batch);
    y_.resize(F, batch);
    dx_.resize(F, batch);
}

void Attention2D::init(ParamStore& ps, Rng& rng) {
    glorot_uniform(ps.value(iW_), in_.features, in_.features, rng);
    ps.value(ib_).setZero();
}

const Mat& Attention2D::forward(const Mat& x, bool) {
    x_ = &x;
    a_.noalias() = ps_.value(iW_) * x;                 // logits = W x + b
    a_.colwise() += ps_.value(ib_).col(0);
    softmax_columns(a_);                               // a = softmax(logits)
    y_.array() = x.array() * a_.array();               // y = x * a
    return y_;
}

const Mat& Attention2D::backward(const Mat& dy) {
    const Mat& x = *x_;
    da_.array() = dy.array() * x.array();              // y = x * a  ->  da = dy * x
    softmax_columns_backward(a_, da_, da_);            // a = softmax(z) -> dz (in da_)
    ps_.grad(iW_).noalias() += da_ * x.transpose();    // z = W x + b -> dW, db
    ps_.grad(ib_).col(0) += da_.rowwise().sum();
    dx_.array() = dy.array() * a_.array();             // dx = dy * a  (through the product)
    dx_.noalias() += ps_.value(iW_).transpose() * da_; //    + W^T dz  (through the logits)
    return dx_;
}

const Mat* Attention2D::named_output(const std::string& name, Shape* shape) const {
    if (name != "attention_probs") return nullptr;
    if (shape) *shape = in_;
    return &a_;
}

std::vector<SummaryRow> Attention2D::summary() const {
    const int F = in_.features;
    return {{"attention_probs", "Dense", in_.keras(), 1LL * F * F + F},
            {name_, "Multiply", in_.keras(), 0}};
}

// ---- Attention3D ------------------------------------------------------------------------

Attention3D::Attention3D(const std::string& name, Shape in, bool single_vector, int batch,
                         ParamStore& ps)
    : Layer(name, in, in, batch), ps_(ps), single_(single_vector) {
    if (!in.is_sequence()) throw std::logic_error("Attention3D " + name + " takes sequences");
    const int T = in.time, F = in.features;
    iW_ = ps.declare("attention_probs/kernel", T, T, {T, T});
    ib_ = ps.declare("attention_probs/bias", T, 1, {T});
    S_.resize(T, F * batch);
    P_.resize(T, F * batch);
    dP_.resize(T, F * batch);
    dS_.resize(T, F * batch);
    A_.resize(F, T * batch);
    dA_.resize(F, T * batch);
    WT_.resize(T, T);
    y_.resize(F, T * batch);
    dx_.resize(F, T * batch);
}

void Attention3D::init(ParamStore& ps, Rng& rng) {
    glorot_uniform(ps.value(iW_), in_.time, in_.time, rng);
    ps.value(ib_).setZero();
}

const Mat& Attention3D::forward(const Mat& x, bool) {
    x_ = &x;
    const int T = in_.time, F = in_.features, B = B_;
    for (int t = 0; t < T; ++t)                        // S[t, f*B+b] = x[f, t*B+b]
        for (int f = 0; f < F; ++f) S_.row(t).segment(f * B, B) = x.row(f).segment(t * B, B);
    gemm_nn(ps_.value(iW_), S_, P_, false);            // logits = W S + b
    P_.colwise() += ps_.value(ib_).col(0);
    softmax_columns(P_);                               // P = softmax over time
    for (int t = 0; t < T; ++t) {                      // A[f, t*B+b] = P[t, f*B+b] (or its mean over f)
        if (single_) {
            auto mean = A_.row(0).segment(t * B, B);
            mean = P_.row(t).segment(0, B);
            for (int f = 1; f < F; ++f) mean += P_.row(t).segment(f * B, B);
            mean /= float(F);
            for (int f = 1; f < F; ++f) A_.row(f).segment(t * B, B) = mean;
        } else {
            for (int f = 0; f < F; ++f) A_.row(f).segment(t * B, B) = P_.row(t).segment(f * B, B);
        }
    }
    y_.array() = x.array() * A_.array();               // y = x * A
    return y_;
}

const Mat& Attention3D::backward(const Mat& dy) {
    const Mat& x = *x_;
    const int T = in_.time, F = in_.features, B = B_;
    dA_.array() = dy.array() * x.array();              // y = x * A -> dA = dy * x
    for (int t = 0; t < T; ++t) {                      // A from P: scatter back (mean: sum / F)
        if (single_) {
            auto sum = dP_.row(t).segment(0, B);
            sum = dA_.row(0).segment(t * B, B);
            for (int f = 1; f < F; ++f) sum += dA_.row(f).segment(t * B, B);
            sum /= float(F);
            for (int f = 1; f < F; ++f) dP_.row(t).segment(f * B, B) = sum;
        } else {
            for (int f = 0; f < F; ++f) dP_.row(t).segment(f * B, B) = dA_.row(f).segment(t * B, B);
        }
    }
    softmax_columns_backward(P_, dP_, dP_);            // P = softmax(Z) -> dZ (in dP_)
    gemm_nt(dP_, S_, ps_.grad(iW_), true);             // Z = W S + b -> dW, db, dS
    ps_.grad(ib_).col(0) += dP_.rowwise().sum();
    WT_ = ps_.value(iW_).transpose();
    gemm_nn(WT_, dP_, dS_, false);
    dx_.array() = dy.array() * A_.array();             // dx = dy * A  (through the product)
    for (int t = 0; t < T; ++t)                        //    + dS laid back out like x
        for (int f = 0; f < F; ++f) dx_.row(f).segment(t * B, B) += dS_.row(t).segment(f * B, B);
    return dx_;
}

const Mat* Attention3D::named_output(const std::string& name, Shape* shape) const {
    if (name == "attention_vec") {  // (T, F) per sample, as applied
        if (shape) *shape = in_;
        return &A_;
    }
    if (name == "attention_probs") {  // Keras's Dense output on the permuted input: (F, T) per
        if (shape) *shape = Shape{in_.features, in_.time};  // sample; P_ is laid out that way
        return &P_;
    }
    return nullptr;
}

std::vector<SummaryRow> Attention3D::summary() const {
    const int T = in_.time, F = in_.features;
    const Shape permuted{F, T};
    std::vector<SummaryRow> rows{{"attention_probs", "Dense", permuted.keras(), 1LL * T * T + T}};
    if (single_) {
        rows.push_back({"dim_reduction", "Lambda", Shape{0, T}.keras(), 0});
        rows.push_back({"repeat_vector", "RepeatVector", permuted.keras(), 0});
    }
    rows.push_back({"attention_vec", "Permute", in_.keras(), 0});
    rows.push_back({name_, "Multiply", in_.keras(), 0});
    return rows;
}

}  // namespace attn
