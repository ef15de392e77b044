// What LSTM and GRU share: G gate blocks of H units run over a sequence x (D, T*B), with
// Keras's kernel Wx (G*H, D) [Keras (D, G*H)] and recurrent kernel Wh (G*H, H) [Keras
// (H, G*H)], declared in that order (then the cell's bias), initialised glorot_uniform and
// orthogonal; the hidden states Hs (H, T*B), y itself with return_sequences, else y = h_{T-1}
// (H, B); and the buffers of the backward through time. The cell, its bias and its forward
// and backward are the subclass's (core/lstm.cpp, core/gru.cpp).
#pragma once

#include "layer.hpp"

namespace attn {

class Recurrent : public Layer {
public:
    double macs() const override;        // per step: Wx x_t and Wh h_{t-1}
    double init_flops() const override;  // the orthogonal recurrent kernel (G*H, H)
    std::vector<SummaryRow> summary() const override;

protected:
    // kind: "LSTM" or "GRU", for messages and the summary.
    Recurrent(const char* kind, const std::string& name, Shape in, int units, int gates, bool return_sequences,
              int batch, ParamStore& ps);
    void init_kernels(Rng& rng);  // glorot_uniform Wx, orthogonal Wh; the bias is the cell's
    const Mat& output_of_forward();  // y: Hs, or its last step's columns

    const char* kind_;
    ParamStore& ps_;
    int H_, gates_;
    bool return_sequences_;
    int iWx_, iWh_, ib_ = -1;  // ib_: the subclass declares its bias
    // kept for backward
    Mat G_;       // (G*H, T*B) the gates after their nonlinearity
    Mat hs_own_;  // the hidden states when the layer returns only the last one
    Mat& Hs_;     // (H, T*B) hidden states h_t: y_ itself when it returns sequences
    // backward scratch
    Mat dh_;    // (H, B) gradient flowing into h_t from step t+1 (and from dy)
    Mat zero_;  // (H, B) zeros: the state before the first step
    Mat WhT_;   // (H, G*H) Wh transposed, once per batch, for the per-step dh_prev
};

}  // namespace attn
