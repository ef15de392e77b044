// The seed's two attention blocks. Each computes attention probabilities from its input with a
// softmax Dense and returns the input multiplied elementwise by them.
//
// Attention2D ("attention 2D block", on vectors):
//   x (F, B);  a = softmax_F(W x + b) (F, B) with W (F, F);  y = x * a.
//   Keras: Dense(F, softmax, name="attention_probs"), then Multiply ("attention_mul").
//
// Attention3D ("attention 3D block", over time, on sequences x (F, T*B)):
//   Every sample b and feature f has a series x[f, t*B+b] over t. A shared Dense over time
//   (W (T, T), bias b) gives logits Z[., t] = sum_s W[t, s] x[., s] + b[t], and
//   P = softmax over t, per series (Keras's "attention_probs" on the permuted input). With
//   single_vector, P is averaged over f and repeated for every f. The attention A (F, T*B),
//   laid out like x (Keras's Permute "attention_vec"), multiplies the input: y = x * A.
//   Layout: x's memory read as an (F*B, T) matrix X has one series per row, so Z = X W^T is
//   one product and P, A, dP keep x's layout (no gathers).
#pragma once

#include "layer.hpp"

namespace attn {

class Attention2D : public Layer {
public:
    Attention2D(const std::string& name, Shape in, int batch, ParamStore& ps);
    void init(Rng& rng) override;
    double macs() const override { return double(in_.features) * in_.features; }  // W x
    const Mat* named_output(const std::string& name, Shape* shape) const override;
    std::vector<SummaryRow> summary() const override;
    const Mat& attention() const { return a_; }  // (F, B)
    bool position_attention(Mat& out) const override;  // a itself
    const char* attention_output() const override { return "attention_probs"; }

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    ParamStore& ps_;
    int iW_, ib_;
    Mat a_;    // (F, B) attention_probs, kept for backward
    Mat da_;   // (F, B) dL/da, then dL/d(logits) in place
};

class Attention3D : public Layer {
public:
    Attention3D(const std::string& name, Shape in, bool single_vector, int batch, ParamStore& ps);
    void init(Rng& rng) override;
    double macs() const override { return double(in_.time) * in_.time * in_.features; }  // X W^T
    const Mat* named_output(const std::string& name, Shape* shape) const override;
    std::vector<SummaryRow> summary() const override;
    const Mat& attention() const { return single_ ? A_ : P_; }  // (F, T*B), laid out like the input
    bool position_attention(Mat& out) const override;  // (T, B): A's mean over f
    const char* attention_output() const override { return "attention_vec"; }

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    ParamStore& ps_;
    bool single_;
    int iW_, ib_;
    Mat P_;   // (F, T*B) softmax over time per series, kept for backward
    Mat A_;   // (F, T*B) with single_: P's mean over f (else unused: A = P)
    Mat dP_;  // (F, T*B) dL/dP, then dL/dZ in place
    Mat panel_;  // scratch for softmax_rows(_backward)
    mutable Mat probs_;  // (T, F*B) P in Keras's (F, T) order per sample, filled when read
    // With single_, filled when read: Keras's dim_reduction, the mean vector (T, B), and
    // repeat_vector, A in Keras's (F, T) order per sample (T, F*B).
    mutable Mat reduced_, repeated_;
    // m (F, T*B) -> out (T, F*B): each sample's (T, F) block as Keras's permuted (F, T).
    void permuted(const Mat& m, Mat& out) const;
};

}  // namespace attn
