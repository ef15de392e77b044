#include "params.hpp"

#include <stdexcept>

namespace attn {

int ParamStore::declare(const std::string& name, int rows, int cols, std::vector<int> keras_shape) {
    const bool sharing = sealed_;
    for (size_t i = 0; i < list_.size(); ++i)
        if (list_[i].name == name) {
            if (!sharing) throw std::logic_error("parameter " + name + " declared twice");
            if (list_[i].rows != rows || list_[i].cols != cols)
                throw std::logic_error("parameter " + name + " shared with a different shape");
            return int(i);
        }
    if (sharing) throw std::logic_error("parameter " + name + " declared after the store was sealed");
    Param p{name, std::move(keras_shape), rows, cols, size_};
    size_ += size_t(rows) * cols;
    list_.push_back(std::move(p));
    return int(list_.size()) - 1;
}

void ParamStore::allocate() {
    sealed_ = true;
    value_ = Vec::Zero(Eigen::Index(size_));
    grad_ = Vec::Zero(Eigen::Index(size_));
}

}  // namespace attn
