// core/model/half.h against LibTorch's own c10::Half, which is what a tensor stored as F16
// becomes when a model reads it.
#include "core/model/half.h"

#include <c10/util/Half.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <gtest/gtest.h>

namespace bioner {
namespace {

uint16_t TorchBits(float f) { return c10::Half(f).x; }

TEST(Half, EveryHalfDecodesAsLibTorchDecodesIt) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const float ours = HalfToFloat(static_cast<uint16_t>(bits));
    const float torch = static_cast<float>(c10::Half(static_cast<uint16_t>(bits), c10::Half::from_bits()));
    if (std::isnan(torch)) {
      EXPECT_TRUE(std::isnan(ours)) << bits;
      continue;
    }
    uint32_t a, b;
    std::memcpy(&a, &ours, 4);
    std::memcpy(&b, &torch, 4);
    ASSERT_EQ(a, b) << "half bits 0x" << std::hex << bits;  // bitwise: -0 and subnormals too
  }
}

TEST(Half, FloatsRoundAsLibTorchRoundsThem) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> any;
  for (int i = 0; i < 2000000; ++i) {
    uint32_t bits = any(rng);
    float f;
    std::memcpy(&f, &bits, 4);
    if (std::isnan(f)) continue;  // NaN payloads differ between implementations; NaN stays NaN
    ASSERT_EQ(FloatToHalf(f), TorchBits(f)) << "float bits 0x" << std::hex << bits;
  }
  // The boundaries: ties to even, the largest half, overflow, subnormals, zeros.
  for (float f : {0.0f, -0.0f, 1.0f, 1.0f + 1.0f / 2048, 1.0f + 3.0f / 2048, 65504.0f, 65519.99f, 65520.0f, 1e10f,
                  -1e10f, 6.1035156e-05f, 5.9604645e-08f, 2.9802322e-08f, 2.9802326e-08f, 8.940697e-08f, 1e-12f,
                  std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                  std::numeric_limits<float>::denorm_min()}) {
    EXPECT_EQ(FloatToHalf(f), TorchBits(f)) << f;
  }
  EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(std::numeric_limits<float>::quiet_NaN()))));
}

}  // namespace
}  // namespace bioner
