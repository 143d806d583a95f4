// Independent, explicitly seeded random streams for the discrete-event simulation.
//
// Contract: a RandomStream is a xoshiro256++ generator (Blackman & Vigna, "Scrambled linear
// pseudorandom number generators", ACM TOMS 47(4) 2021) whose 256-bit state is filled by SplitMix64
// from a key derived from (seed, source name, replication). Streams of the same source in different
// replications are 2^128 draws apart (jump()), so they never overlap; streams of different sources
// are seeded from different 64-bit keys. The key depends only on the seed and the source's *name*
// (e.g. "arrival/OLTP", "service/OLTP/cpu"), so a what-if point or model variant that keeps a
// source's name draws the same numbers for it: common random numbers (JMT 1.5.0 fix,
// peers-and-formulas.md §2 #11). Every transform below uses only IEEE-754 +, -, *, / and sqrt (all
// correctly rounded) plus deterministic_log(), so the same seed gives bit-identical samples on
// every machine and compiler; std:: distributions are avoided because their algorithms are
// implementation-defined.
//
// Why hand-written: the C++ standard library has no small-state, jumpable generator (mt19937_64 has
// 2.5 KB of state per stream and no jump), and Boost 1.74 has no xoshiro either.
#pragma once

#include <cstdint>
#include <string_view>

namespace tpeval::solver::des {

/// SplitMix64 step (Steele, Lea & Flood, OOPSLA 2014): the recommended seeder for xoshiro.
std::uint64_t splitmix64(std::uint64_t& state);
/// FNV-1a 64-bit hash of a source name: stable across machines and runs.
std::uint64_t source_hash(std::string_view source_name);

/// Natural logarithm from IEEE-exact operations only (frexp + atanh series), accurate to about
/// 1 ulp, so that exponential samples are bit-identical on every platform. x must be > 0.
double deterministic_log(double x);

class RandomStream {
 public:
  /// The stream of `source_name` for run `seed`, replication `replication` (>= 0).
  RandomStream(std::uint64_t seed, std::string_view source_name, int replication = 0);
  /// A stream with a raw 64-bit key (SplitMix64-expanded); for tests and benchmarks.
  explicit RandomStream(std::uint64_t key);

  /// Next 64 raw bits (xoshiro256++).
  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform on [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /// Uniform on (0, 1]: safe argument for a logarithm.
  double uniform_open0() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  /// Exponential with the given mean (inversion: -mean ln U).
  double exponential(double mean) { return -mean * deterministic_log(uniform_open0()); }

  /// Advances the state by 2^128 draws (the published jump polynomial).
  void jump();

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace tpeval::solver::des
