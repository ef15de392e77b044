#include "recurrent.hpp"

#include <stdexcept>

#include "init.hpp"

namespace attn {

Recurrent::Recurrent(const char* kind, const std::string& name, Shape in, int units, int gates, bool return_sequences,
                     int batch, ParamStore& ps)
    : Layer(name, in, return_sequences ? Shape{in.time, units} : Shape{0, units}, batch),
      kind_(kind), ps_(ps), H_(units), gates_(gates), return_sequences_(return_sequences),
      Hs_(return_sequences ? y_ : hs_own_) {
    if (!in.is_sequence()) throw std::logic_error(std::string(kind) + " " + name + " takes sequences");
    const int D = in.features, H = units, T = in.time, B = batch, GH = gates * units;
    iWx_ = ps.declare(name + "/kernel", GH, D, {D, GH});
    iWh_ = ps.declare(name + "/recurrent_kernel", GH, H, {H, GH});
    buffer(G_, GH, T * B);
    buffer(Hs_, H, T * B);
    buffer(dh_, H, B);
    buffer(h0_, H, B);
    buffer(WhT_, H, GH);
    buffer(y_, H, return_sequences ? T * B : B);
    buffer(dx_, D, T * B);
}

void Recurrent::init_kernels(Rng& rng) {
    glorot_uniform(ps_.value(iWx_), in_.features, gates_ * H_, rng);
    orthogonal(ps_.value(iWh_), rng);
}

const Mat& Recurrent::output_of_forward() {
    if (!return_sequences_) y_ = Hs_.middleCols((in_.time - 1) * B_, B_);
    return y_;
}

double Recurrent::macs() const { return double(in_.time) * gates_ * H_ * (in_.features + H_); }
double Recurrent::init_flops() const { return orthogonal_flops(double(gates_) * H_, H_); }

std::vector<SummaryRow> Recurrent::summary() const {
    const long long GH = 1LL * gates_ * H_;
    const Param& b = ps_.list()[size_t(ib_)];
    return {{name_, kind_, out_.keras(), GH * (in_.features + H_) + 1LL * b.rows * b.cols}};
}

}  // namespace attn
