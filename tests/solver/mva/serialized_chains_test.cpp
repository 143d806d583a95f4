// Serialized chains at a single server (solver/mva/serialized_chains.hpp, issue #13).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "solver/mva/serialized_chains.hpp"

using tpeval::solver::mva::serialized_chain_stretch;

namespace {

/// Residence per visit of n customers cycling through an exponential delay of mean z and an
/// exponential single server of mean s, from the birth-death chain of the number at the server
/// (births (n - k) / z, deaths 1 / s): R = Q / X by Little. Independent of MVA.
struct ClosedPair {
  double throughput_per_s = 0, residence_s = 0;
};

ClosedPair closed_pair(int n, double z, double s) {
  std::vector<double> pi(static_cast<std::size_t>(n) + 1, 1.0);
  double total = 1.0;
  for (int k = 1; k <= n; ++k) {
    pi[static_cast<std::size_t>(k)] = pi[static_cast<std::size_t>(k - 1)] * (n - k + 1) / z * s;
    total += pi[static_cast<std::size_t>(k)];
  }
  double queue = 0;
  for (int k = 0; k <= n; ++k) queue += k * pi[static_cast<std::size_t>(k)] / total;
  const double x = (1.0 - pi[0] / total) / s;
  return {x, queue / x};
}

/// The stretch of n chains that carry `x` per second with service s: the delay by bisection.
double stretch_by_chain(int n, double x, double s) {
  double lo = 1e-9, hi = 1e3;
  for (int i = 0; i < 200; ++i) {
    const double z = std::sqrt(lo * hi);
    (closed_pair(n, z, s).throughput_per_s > x ? lo : hi) = z;
  }
  return closed_pair(n, std::sqrt(lo * hi), s).residence_s / s;
}

}  // namespace

TEST_CASE("serialized chains: one chain finds none of its own ahead") {
  CHECK(serialized_chain_stretch(1.0, 100, 0.005, 0.0) == doctest::Approx(1.0));
  CHECK(serialized_chain_stretch(1.0, 100, 0.005, 0.4) == doctest::Approx(1.0 / 0.6));
  CHECK(serialized_chain_stretch(0.3, 100, 0.005, 0.4) == doctest::Approx(1.0 / 0.6));
}

TEST_CASE("serialized chains: exact against the birth-death chain of a closed pair") {
  // Page-locked HISTORY near its limit: about 5 pages held at once, the log disk (5 ms) at
  // 74 %. R(N) / S from the chain's own stationary distribution, independent of MVA.
  for (const int n : {2, 3, 5, 8}) {
    for (const double u : {0.3, 0.74, 0.9}) {
      CAPTURE(n);
      CAPTURE(u);
      const double s = 0.005, x = u / s;
      CHECK(serialized_chain_stretch(n, x, s, 0.0) ==
            doctest::Approx(stretch_by_chain(n, x, s)).epsilon(1e-6));
    }
  }
}

TEST_CASE("serialized chains: between Bard-Schweitzer's open-load form and none") {
  // A few chains queue less than the open-load form says; many chains approach it.
  const double s = 0.005, x = 148.0, u = x * s;
  double last = 1.0;
  for (const double n : {1.5, 2.0, 5.37, 20.0, 100.0}) {
    CAPTURE(n);
    const double stretch = serialized_chain_stretch(n, x, s, 0.0);
    const double schweitzer = 1.0 / (1.0 - u * (n - 1.0) / n);
    CHECK(stretch > last);
    CHECK(stretch < schweitzer);
    last = stretch;
  }
  const double many = serialized_chain_stretch(200.0, x, s, 0.0);
  CHECK(many == doctest::Approx(1.0 / (1.0 - u * 199.0 / 200.0)).epsilon(0.03));
  // A non-integer number of chains lies between its neighbours.
  const double five = serialized_chain_stretch(5.0, x, s, 0.0);
  const double six = serialized_chain_stretch(6.0, x, s, 0.0);
  CHECK(serialized_chain_stretch(5.37, x, s, 0.0) == doctest::Approx(0.63 * five + 0.37 * six));
}

TEST_CASE("serialized chains: an open load stretches every visit") {
  const double with_open = serialized_chain_stretch(5.0, 100, 0.005, 0.2);
  const double without = serialized_chain_stretch(5.0, 100, 0.005, 0.0);
  CHECK(with_open > without);
  CHECK(std::isinf(serialized_chain_stretch(5.0, 100, 0.005, 1.0)));
}
