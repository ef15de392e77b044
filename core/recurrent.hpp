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

    void take_initial_state() { stateful_ = true; }
    Mat& initial_state() { return h0_; }
    const Mat& initial_state_grad() const { return dh_; }
    // The next forward recomputes only steps t >= step, keeping the earlier steps' states (and
    // what backward would read of them) from the forward before, whose inputs and weights
    // before `step` must be the same (greedy decoding: core/seq2seq.hpp). Inference only.
    void resume_from(int step) { first_step_ = step; }

protected:
    // kind: "LSTM" or "GRU", for messages and the summary.
    Recurrent(const char* kind, const std::string& name, Shape in, int units, int gates, bool return_sequences,
              int batch, ParamStore& ps);
    void init_kernels(Rng& rng);  // glorot_uniform Wx, orthogonal Wh; the bias is the cell's
    const Mat& output_of_forward();  // y: Hs, or its last step's columns
    int take_first_step() {  // where this forward starts (0 unless resume_from), once
        const int t = first_step_;
        first_step_ = 0;
        return t;
    }
    // h_{t-1} of the B samples, (H, B) contiguous: Hs's step t-1, or the initial state.
    const float* h_prev(int t) const { return t ? Hs_.col((t - 1) * B_).data() : h0_.data(); }
    // Whether step t reads a state through Wh: every step but the first from a zero state.
    bool reads_state(int t) const { return t > 0 || stateful_; }

    const char* kind_;
    ParamStore& ps_;
    int H_, gates_;
    bool return_sequences_;
    bool stateful_ = false;  // h_{-1} is h0_ as the owner wrote it, not 0
    int first_step_ = 0;     // resume_from
    int iWx_, iWh_, ib_ = -1;  // ib_: the subclass declares its bias
    // kept for backward
    Mat G_;       // (G*H, T*B) the gates after their nonlinearity
    Mat hs_own_;  // the hidden states when the layer returns only the last one
    Mat& Hs_;     // (H, T*B) hidden states h_t: y_ itself when it returns sequences
    // backward scratch
    Mat dh_;    // (H, B) gradient flowing into h_t from step t+1 (and from dy); after backward,
                // into the initial state
    Mat h0_;    // (H, B) the state before the first step: zeros, or the owner's
    Mat WhT_;   // (H, G*H) Wh transposed, once per batch, for the per-step dh_prev
};

}  // namespace attn
