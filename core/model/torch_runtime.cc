#include "core/model/torch_runtime.h"

#include <mutex>
#include <thread>

#include <ATen/Parallel.h>
#include <torch/cuda.h>

namespace bioner::model_internal {

StatusOr<c10::Device> ParseDevice(const std::string& name) {
  c10::Device device(c10::kCPU);
  try {
    device = c10::Device(name);
  } catch (const std::exception&) {
    return InvalidArgument("device '" + name + "' is not \"cpu\", \"cuda\" or \"cuda:N\"");
  }
  if (device.is_cpu()) return device;
  if (!device.is_cuda()) return InvalidArgument("device '" + name + "' is not supported (only cpu and cuda)");
  if (!torch::cuda::is_available()) {
    return FailedPrecondition("device '" + name + "' requested but CUDA is not available (this LibTorch build has "
                              "no CUDA support or no GPU is visible)");
  }
  const int64_t count = static_cast<int64_t>(torch::cuda::device_count());
  if (!device.has_index()) device.set_index(0);
  if (device.index() >= count) {
    return FailedPrecondition("device '" + name + "' requested but only " + std::to_string(count) +
                              " CUDA device(s) are visible");
  }
  return device;
}

Status ConfigureThreads(int requested) {
  if (requested < 0) return InvalidArgument("num_threads must be >= 0, got " + std::to_string(requested));
  static std::once_flag once;
  std::call_once(once, [] {
    const unsigned hw = std::thread::hardware_concurrency();
    at::set_num_threads(hw ? static_cast<int>(hw) : 1);
  });
  if (requested > 0) at::set_num_threads(requested);
  return Status::Ok();
}

}  // namespace bioner::model_internal
