// The seed's two attention blocks. Each computes attention probabilities from its input with a
// softmax Dense and returns the input multiplied elementwise by them.
//
// Attention2D ("attention 2D block", on vectors):
//   x (F, B);  a = softmax_F(W x + b) (F, B) with W (F, F);  y = x * a.
//   Keras: Dense(F, softmax, name="attention_probs"), then Multiply ("attention_mul").
//
// Attention3D ("attention 3D block", over time, on sequences x (F, T*B)):
//   For every sample b and feature f, the series s = x[f, t*B+b] over t is one column of
//   S (T, F*B), column f*B+b. A shared Dense over time gives P = softmax_T(W S + b) with
//   W (T, T). With single_vector, P is averaged over f and repeated for every f. The attention
//   A (F, T*B) is P laid back out like x (Keras's Permute "attention_vec"); y = x * A.
#pragma once

#include "layer.hpp"

namespace attn {

class Attention2D : public Layer {
public:
    Attention2D(const std::string& name, Shape in, int batch, ParamStore& ps);
    const Mat& forward(const Mat& x, bool training) override;
    const Mat& backward(const Mat& dy) override;
    void init(ParamStore& ps, Rng& rng) override;
    const Mat* named_output(const std::string& name, Shape* shape) const override;
    std::vector<SummaryRow> summary() const override;
    const Mat& attention() const { return a_; }  // (F, B)

private:
    ParamStore& ps_;
    int iW_, ib_;
    Mat a_;    // (F, B) attention_probs, kept for backward
    Mat da_;   // (F, B) dL/da, then dL/d(logits) in place
};

class Attention3D : public Layer {
public:
    Attention3D(const std::string& name, Shape in, bool single_vector, int batch, ParamStore& ps);
    const Mat& forward(const Mat& x, bool training) override;
    const Mat& backward(const Mat& dy) override;
    void init(ParamStore& ps, Rng& rng) override;
    const Mat* named_output(const std::string& name, Shape* shape) const override;
    std::vector<SummaryRow> summary() const override;
    const Mat& attention() const { return A_; }  // (F, T*B), laid out like the input
    bool single_vector() const { return single_; }

private:
    ParamStore& ps_;
    bool single_;
    int iW_, ib_;
    Mat S_;   // (T, F*B) the input's series, one per column
    Mat P_;   // (T, F*B) softmax over time, kept for backward
    Mat A_;   // (F, T*B) attention as applied (averaged over f when single_)
    Mat dA_;  // (F, T*B) dL/dA
    Mat dP_;  // (T, F*B) dL/dP, then dL/d(logits) in place
    Mat dS_;  // (T, F*B) dL/dS
    Mat WT_;  // (T, T) W transposed, for dS = W^T dZ
};

}  // namespace attn
