// IEEE 754 binary16 ("half", safetensors' F16) to and from float, without LibTorch, for the
// torch-free formats that may store F16 (the embedding table). Conversions round to nearest,
// ties to even, as LibTorch's c10::Half does; values beyond half's range become +-infinity.
#ifndef BIONER_CORE_MODEL_HALF_H_
#define BIONER_CORE_MODEL_HALF_H_

#include <cmath>
#include <cstdint>
#include <cstring>

namespace bioner {

inline uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, sizeof x);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u) return sign | (x > 0x7f800000u ? 0x7e00u : 0x7c00u);  // NaN (quiet), infinity
  if (x >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520 rounds past the largest half, 65504
  if (x < 0x38800000u) {
    // Below 2^-14: a subnormal half, whose mantissa counts units of 2^-24. The scaling is
    // exact and nearbyint rounds ties to even in the default rounding mode.
    float a;
    std::memcpy(&a, &x, sizeof a);
    return sign | static_cast<uint16_t>(std::nearbyint(a * 16777216.0f));
  }
  // A normal half: re-bias the exponent (127 -> 15) and round the 13 dropped mantissa bits to
  // nearest even; a carry out of the mantissa correctly bumps the exponent.
  x += 0xc8000fffu + ((x >> 13) & 1u);
  return sign | static_cast<uint16_t>(x >> 13);
}

inline float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in float
    const float f = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -f : f;
  }
  const uint32_t bits = exponent == 31 ? (sign | 0x7f800000u | (mantissa << 13))
                                       : (sign | ((exponent + 112u) << 23) | (mantissa << 13));
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_HALF_H_
