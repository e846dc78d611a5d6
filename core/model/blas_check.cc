#include "core/model/blas_check.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

namespace bioner {

StatusOr<BlasInfo> DetectBlas() {
  // RTLD_DEFAULT searches the global scope in load order: the same lookup that binds
  // libtorch_cpu's calls to sgemm_.
  void* sgemm = ::dlsym(RTLD_DEFAULT, "sgemm_");
  if (!sgemm) return NotFound("no BLAS library providing sgemm_ is loaded in this process");
  Dl_info info{};
  if (!::dladdr(sgemm, &info) || !info.dli_fname) return NotFound("cannot tell which library defines sgemm_");
  BlasInfo out;
  char resolved[PATH_MAX];
  out.library = ::realpath(info.dli_fname, resolved) ? resolved : info.dli_fname;
  // OpenBLAS (including its libblas.so.3 alternative) exports openblas_get_config; require
  // it to live in the same object as sgemm_ so that a reference libblas loaded before
  // OpenBLAS is not mistaken for it.
  using GetConfig = const char* (*)();
  if (void* fn = ::dlsym(RTLD_DEFAULT, "openblas_get_config")) {
    Dl_info cfg_info{};
    if (::dladdr(fn, &cfg_info) && cfg_info.dli_fbase == info.dli_fbase) {
      out.is_openblas = true;
      const char* cfg = reinterpret_cast<GetConfig>(fn)();
      out.config = cfg ? cfg : "";
    }
  }
  if (!out.is_openblas && out.library.find("openblas") != std::string::npos) {
    // Debian's OpenBLAS libblas.so.3 alternative does not export openblas_get_config.
    out.is_openblas = true;
    if (void* fn = ::dlsym(RTLD_DEFAULT, "openblas_get_config")) {
      const char* cfg = reinterpret_cast<GetConfig>(fn)();
      out.config = cfg ? cfg : "";
    }
  }
  return out;
}

Status CheckOpenBlas() {
  ASSIGN_OR_RETURN(BlasInfo info, DetectBlas());
  if (info.is_openblas) return Status::Ok();
  return FailedPrecondition("LibTorch's sgemm_ comes from " + info.library +
                            ", not OpenBLAS; install libopenblas0-pthread and select it with "
                            "'update-alternatives --config libblas.so.3-x86_64-linux-gnu'");
}

Status SetBlasThreads(int n) {
  if (n < 1) return InvalidArgument("BLAS threads must be >= 1, got " + std::to_string(n));
  using SetThreads = void (*)(int);
  void* fn = ::dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
  if (!fn) return NotFound("the loaded BLAS has no openblas_set_num_threads (not OpenBLAS?)");
  reinterpret_cast<SetThreads>(fn)(n);
  return Status::Ok();
}

StatusOr<double> MeasureSgemmGflops(int n, int reps) {
  using Sgemm = void (*)(const char*, const char*, const int*, const int*, const int*, const float*, const float*,
                         const int*, const float*, const int*, const float*, float*, const int*);
  auto sgemm = reinterpret_cast<Sgemm>(::dlsym(RTLD_DEFAULT, "sgemm_"));
  if (!sgemm) return NotFound("no BLAS library providing sgemm_ is loaded in this process");
  if (n <= 0 || reps <= 0) return InvalidArgument("MeasureSgemmGflops: n and reps must be positive");
  std::vector<float> a(static_cast<size_t>(n) * n), b(a.size()), c(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<float>(i % 7) * 0.25f;
    b[i] = static_cast<float>(i % 5) * 0.5f;
  }
  const float one = 1.0f, zero = 0.0f;
  auto run = [&] { sgemm("N", "N", &n, &n, &n, &one, a.data(), &n, b.data(), &n, &zero, c.data(), &n); };
  run();
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return 2.0 * n * n * static_cast<double>(n) / best / 1e9;
}

}  // namespace bioner
