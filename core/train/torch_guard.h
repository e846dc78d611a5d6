// INTERNAL to core/train: the one adapter from LibTorch's exceptions to a Status (STYLE.md §1),
// shared by the training loops. `what` names the step ("training epoch 3", a folder) so the
// message says where LibTorch failed.
#ifndef BIONER_CORE_TRAIN_TORCH_GUARD_H_
#define BIONER_CORE_TRAIN_TORCH_GUARD_H_

#include <exception>
#include <string>

#include "core/util/status.h"

namespace bioner::train {

template <typename F>
Status GuardTorch(const std::string& what, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Internal(what + ": LibTorch failed: " + e.what());
  }
}

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_TORCH_GUARD_H_
