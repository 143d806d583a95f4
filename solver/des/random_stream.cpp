#include "solver/des/random_stream.hpp"

#include <cmath>

namespace tpeval::solver::des {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t source_hash(std::string_view source_name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char ch : source_name) {
    h ^= static_cast<unsigned char>(ch);
    h *= 0x100000001b3ULL;
  }
  return h;
}

double deterministic_log(double x) {
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.1716, so
  // the odd series in s converges by a factor s^2 < 0.0295 per term: 11 terms reach 1e-17.
  // ln 2 is split into a high part with trailing zero bits and a low part (fdlibm's constants) so
  // that e * ln2_hi is exact.
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  int e = 0;
  double m = std::frexp(x, &e);  // exact; m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    --e;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double series = 1.0 / 23.0;
  for (int k = 21; k >= 1; k -= 2) series = 1.0 / k + s2 * series;
  const double log_m = 2.0 * s * series;
  const double de = static_cast<double>(e);
  return de * ln2_hi + (de * ln2_lo + log_m);
}

RandomStream::RandomStream(std::uint64_t key) {
  std::uint64_t sm = key;
  for (auto& word : s_) word = splitmix64(sm);
  // An all-zero state is the one fixed point of xoshiro; SplitMix64 output cannot be four zeros
  // in a row, but keep the invariant explicit.
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
}

RandomStream::RandomStream(std::uint64_t seed, std::string_view source_name, int replication)
    : RandomStream([&] {
        std::uint64_t mix = seed;
        const std::uint64_t a = splitmix64(mix);
        return a ^ source_hash(source_name);
      }()) {
  for (int r = 0; r < replication; ++r) jump();
}

void RandomStream::jump() {
  static constexpr std::uint64_t polynomial[] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                                 0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
  std::uint64_t t[4] = {0, 0, 0, 0};
  for (const std::uint64_t word : polynomial) {
    for (int b = 0; b < 64; ++b) {
      if (word & (std::uint64_t{1} << b)) {
        for (int i = 0; i < 4; ++i) t[i] ^= s_[i];
      }
      next_u64();
    }
  }
  for (int i = 0; i < 4; ++i) s_[i] = t[i];
}

}  // namespace tpeval::solver::des
