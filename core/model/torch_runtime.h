// INTERNAL to core/model (includes LibTorch): the process-wide LibTorch settings every model
// loader applies the same way: which device a name means, and torch's intra-op threads.
#ifndef BIONER_CORE_MODEL_TORCH_RUNTIME_H_
#define BIONER_CORE_MODEL_TORCH_RUNTIME_H_

#include <string>

#include <c10/core/Device.h>

#include "core/util/status.h"

namespace bioner::model_internal {

// "cpu", "cuda" or "cuda:N"; FAILED_PRECONDITION for CUDA where this build or machine has none.
StatusOr<c10::Device> ParseDevice(const std::string& name);
// torch intra-op threads: initialised once to the hardware threads, then `requested` if > 0.
Status ConfigureThreads(int requested);

}  // namespace bioner::model_internal

#endif  // BIONER_CORE_MODEL_TORCH_RUNTIME_H_
