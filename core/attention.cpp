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
    buffer(a_, F, batch);
    buffer(da_, F, batch);
    buffer(y_, F, batch);
    buffer(dx_, F, batch);
}

void Attention2D::init(Rng& rng) {
    glorot_uniform(ps_.value(iW_), in_.features, in_.features, rng);
    ps_.value(ib_).setZero();
}

const Mat& Attention2D::run_forward(const Mat& x, bool) {
    x_ = &x;
    gemm_nn_bias(ps_.value(iW_), x, ps_.value(ib_).data(), a_);  // logits = W x + b
    softmax_columns(a_);                               // a = softmax(logits)
    y_.array() = x.array() * a_.array();               // y = x * a
    return y_;
}

const Mat& Attention2D::run_backward(const Mat& dy) {
    const Mat& x = *x_;
    da_.array() = dy.array() * x.array();              // y = x * a  ->  da = dy * x
    softmax_columns_backward(a_, da_, da_);            // a = softmax(z) -> dz (in da_)
    gemm_nt(da_, x, ps_.grad(iW_), true);              // z = W x + b -> dW += dz x^T,
    add_row_sums(da_, ps_.grad(ib_).data());           //   db += sum of dz
    if (!input_grad_) return dx_;
    dx_.array() = dy.array() * a_.array();             // dx = dy * a  (through the product)
    const int F = in_.features;                        //    + W^T dz  (through the logits)
    gemm_tn(F, B_, F, ps_.value(iW_).data(), F, da_.data(), F, dx_.data(), F);
    return dx_;
}

const Mat* Attention2D::named_output(const std::string& name, Shape* shape) const {
    if (name != "attention_probs") return nullptr;
    if (shape) *shape = in_;
    return &a_;
}

bool Attention2D::position_attention(Mat& out) const {
    out = a_;
    return true;
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
    buffer(P_, F, T * batch);
    if (single_) buffer(A_, F, T * batch);
    buffer(dP_, F, T * batch);
    buffer(probs_, T, F * batch);
    if (single_) {
        buffer(reduced_, T, batch);
        buffer(repeated_, T, F * batch);
    }
    buffer(panel_, 2 * kSoftmaxPanelRows, T);
    buffer(y_, F, T * batch);
    buffer(dx_, F, T * batch);
}

void Attention3D::init(Rng& rng) {
    glorot_uniform(ps_.value(iW_), in_.time, in_.time, rng);
    ps_.value(ib_).setZero();
}

namespace {
// m (F, N) -> every column replaced by its mean over the F rows (summed in order).
void column_means(const Mat& m, Mat& out) {
    const int F = int(m.rows());
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
        const float* c = m.col(j).data();
        float s = c[0];
        for (int f = 1; f < F; ++f) s += c[f];
        out.col(j).setConstant(s / float(F));
    }
}
}  // namespace

const Mat& Attention3D::run_forward(const Mat& x, bool) {
    x_ = &x;
    const int T = in_.time, R = in_.features * B_;    // x as X (R, T): one series per row
    const auto W = ps_.value(iW_);
    gemm_nt(R, T, T, x.data(), R, W.data(), T, P_.data(), R, false);  // Z = X W^T
    softmax_rows(P_.data(), R, T, R, ps_.value(ib_).data(), panel_.data());  // P = softmax_t(Z + b)
    if (single_) column_means(P_, A_);                 // one vector: mean over f
    y_.array() = x.array() * attention().array();      // y = x * A
    return y_;
}

const Mat& Attention3D::run_backward(const Mat& dy) {
    const Mat& x = *x_;
    const int T = in_.time, R = in_.features * B_;
    const auto W = ps_.value(iW_);
    dP_.array() = dy.array() * x.array();              // y = x * A -> dA
    if (single_) column_means(dP_, dP_);               // A = mean_f P -> dP = mean_f dA
    softmax_rows_backward(P_.data(), dP_.data(), R, T, R, panel_.data());     // -> dZ (in dP_)
    gemm_tn(T, T, R, dP_.data(), R, x.data(), R, ps_.grad(iW_).data(), T);  // Z = X W^T + b -> dW += dZ^T X
    ps_.grad(ib_).col(0) += MatMap(dP_.data(), R, T).colwise().sum().transpose();  //   db += sum of dZ
    if (!input_grad_) return dx_;
    dx_.array() = dy.array() * attention().array();    // dx = dy * A  (through the product)
    gemm_nn(R, T, T, dP_.data(), R, W.data(), T, dx_.data(), R, true);  //    + dZ W  (through the logits)
    return dx_;
}

void Attention3D::permuted(const Mat& m, Mat& out) const {
    const int T = in_.time, F = in_.features, B = B_;
    for (int t = 0; t < T; ++t)
        for (int f = 0; f < F; ++f) out.row(t).segment(f * B, B) = m.row(f).segment(t * B, B);
}

const Mat* Attention3D::named_output(const std::string& name, Shape* shape) const {
    const int T = in_.time, F = in_.features, B = B_;
    if (name == "attention_vec") {  // (T, F) per sample, as applied
        if (shape) *shape = in_;
        return &attention();
    }
    if (name == "attention_probs") {  // Keras's Dense output on the permuted input: (F, T)
        permuted(P_, probs_);
        if (shape) *shape = Shape{F, T};
        return &probs_;
    }
    if (single_ && name == "repeat_vector") {  // the mean vector repeated: (F, T)
        permuted(A_, repeated_);
        if (shape) *shape = Shape{F, T};
        return &repeated_;
    }
    if (single_ && name == "dim_reduction") {  // the mean over features: (T)
        for (int t = 0; t < T; ++t) reduced_.row(t) = A_.row(0).segment(t * B, B);
        if (shape) *shape = Shape{0, T};
        return &reduced_;
    }
    return nullptr;
}

bool Attention3D::position_attention(Mat& out) const {
    const int T = in_.time, F = in_.features, B = B_;
    const Mat& A = attention();
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < B; ++b) {
            const float* a = A.col(t * B + b).data();
            float s = a[0];
            for (int f = 1; f < F; ++f) s += a[f];
            out(t, b) = s / float(F);
        }
    return true;
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
