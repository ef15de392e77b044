#include "layer.hpp"

#include <limits>
#include <stdexcept>

namespace attn {

void Layer::buffer(Mat& m, long long rows, long long cols) {
    for (auto& b : buffers_)
        if (b.m == &m) {
            b.rows = rows;
            b.cols = cols;
            return;
        }
    buffers_.push_back({&m, rows, cols});
}

void Layer::allocate() {
    if (allocated_) return;
    // Eigen indexes with ptrdiff_t: 32 bits in wasm. A buffer past that is far over the memory
    // budget (the trainer refuses such a config first): here it is a bug, not user input.
    for (const auto& b : buffers_)
        if (b.rows < 0 || b.cols < 0 || (b.rows > 0 && b.cols > std::numeric_limits<int>::max() / b.rows))
            throw std::length_error("layer " + name_ + ": a buffer of " + std::to_string(b.rows) + " x " +
                                    std::to_string(b.cols) + " floats is too large");
    for (const auto& b : buffers_) b.m->setZero(Eigen::Index(b.rows), Eigen::Index(b.cols));
    allocated_ = true;
}

long long Layer::buffer_floats() const {
    long long n = 0;
    for (const auto& b : buffers_) n += b.rows * b.cols;
    return n;
}

}  // namespace attn
