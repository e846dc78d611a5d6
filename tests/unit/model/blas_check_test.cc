#include "core/model/blas_check.h"

#include <gtest/gtest.h>

#include "core/model/token_classifier.h"
#include "tests/unit/model/test_util.h"

namespace bioner {
namespace {

TEST(BlasCheck, LibTorchUsesOpenBlas) {
  // Run a forward pass first so that LibTorch has certainly resolved its BLAS.
  auto m = TokenClassifier::Load(testing::ModelVectorDir("tiny-f32"));
  ASSERT_TRUE(m.ok()) << m.status();
  Batch batch;
  batch.input_ids = {{2, 5, 6, 3}};
  ASSERT_TRUE((*m)->Forward(batch).ok());
  auto info = DetectBlas();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->is_openblas) << "sgemm_ from " << info->library;
  EXPECT_TRUE(CheckOpenBlas().ok()) << CheckOpenBlas();
  std::cout << "sgemm_ from " << info->library << " (" << info->config << ")\n";
}

}  // namespace
}  // namespace bioner
