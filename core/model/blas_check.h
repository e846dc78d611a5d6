// Which BLAS library serves LibTorch's float GEMMs in this process. bioner requires
// OpenBLAS (Debian's libtorch calls sgemm_ through the libblas.so.3 alternative; the
// reference BLAS there is ~10x slower and would silently ruin serving latency).
// Thread-safe; torch-free.
#ifndef BIONER_CORE_MODEL_BLAS_CHECK_H_
#define BIONER_CORE_MODEL_BLAS_CHECK_H_

#include <string>

#include "core/util/status.h"

namespace bioner {

struct BlasInfo {
  std::string library;  // real path of the shared object that defines sgemm_
  std::string config;   // openblas_get_config() when OpenBLAS provides it, else empty
  bool is_openblas = false;
};

// Resolves sgemm_ as the dynamic linker does for LibTorch (global lookup scope) and reports
// the object that defines it. NOT_FOUND if no sgemm_ is loaded.
StatusOr<BlasInfo> DetectBlas();

// OK if OpenBLAS provides sgemm_; FAILED_PRECONDITION naming the library otherwise (with the
// update-alternatives command that fixes it).
Status CheckOpenBlas();

// Sets OpenBLAS's thread count for later GEMM calls (process-wide; openblas_set_num_threads).
// NOT_FOUND if the loaded BLAS is not OpenBLAS or lacks that call; INVALID_ARGUMENT if n < 1.
Status SetBlasThreads(int n);

// Float32 GEMM rate of that sgemm_ (the one LibTorch calls), in GFLOP/s: the best of `reps`
// timed n x n x n products after one warm-up. For benchmarks (the ceiling a forward pass
// can approach); runs on the calling thread with the BLAS library's own threads.
StatusOr<double> MeasureSgemmGflops(int n = 2048, int reps = 3);

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_BLAS_CHECK_H_
