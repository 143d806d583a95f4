// ABA and BJB (Lazowska et al., QSP ch. 5) must bracket the exact MVA throughput.
#include <doctest/doctest.h>

#include "solver/bounds/bounds.hpp"
#include "solver/mva/exact_single.hpp"
#include "tests/solver/mva/mva_test_support.hpp"

using namespace tpeval::solver;
using tpeval::test::delay_station;
using tpeval::test::queue_station;

TEST_CASE("bounds: T3 Gunther PPA ch.2 knee N* = 477.19 and the bounds bracket X = 0.3325") {
  Network net;
  net.stations = {queue_station("cpu")};
  net.classes = {{"users", ClassKind::closed, 0, 100, 300.0}};
  net.demand_s = Eigen::MatrixXd::Constant(1, 1, 0.63);
  const auto b = closed_bounds(net);
  REQUIRE(b.size() == 1);
  CHECK(std::abs(b[0].knee_population - 477.19) <= 5e-3);  // peers-and-formulas.md §3.8 T3
  CHECK(b[0].bottleneck_station == 0);
  CHECK(b[0].balanced_bounds_applied);
  CHECK(b[0].throughput_lower_per_s <= 0.3325);
  CHECK(b[0].throughput_upper_per_s >= 0.3324);
  CHECK(b[0].response_time_lower_s <= 0.7943);
  CHECK(b[0].response_time_upper_s >= 0.7943);
}

TEST_CASE("bounds: ABA and BJB bracket exact MVA on random single-class networks") {
  std::mt19937_64 rng(99);
  tpeval::test::RandomNetworkOptions o;
  o.max_classes = 1;
  o.max_population = 40;
  o.max_stations = 6;
  int balanced = 0;
  for (int trial = 0; trial < 300; ++trial) {
    Network net = tpeval::test::random_network(rng, o);
    if (trial % 2) net.classes[0].population *= 5;  // well past the knee, too
    const auto b = closed_bounds(net);
    const Solution s = solve_exact_single(net, 0);
    const double x = s.class_throughput_per_s(0), r = s.class_response_time_s(0);
    CAPTURE(trial);
    balanced += b[0].balanced_bounds_applied;
    CHECK(b[0].aba_throughput_lower_per_s <= x * (1 + 1e-12));
    CHECK(b[0].aba_throughput_upper_per_s >= x * (1 - 1e-12));
    CHECK(b[0].bjb_throughput_lower_per_s <= x * (1 + 1e-12));
    CHECK(b[0].bjb_throughput_upper_per_s >= x * (1 - 1e-12));
    CHECK(b[0].throughput_lower_per_s <=
          b[0].throughput_upper_per_s);  // rounding-safe by construction
    if (net.classes[0].population > 0) {
      CHECK(b[0].response_time_lower_s <= r * (1 + 1e-12) + 1e-12);
      CHECK(b[0].response_time_upper_s >= r * (1 - 1e-12) - 1e-12);
    }
    // BJB is at least as tight as ABA.
    CHECK(b[0].bjb_throughput_lower_per_s >= b[0].aba_throughput_lower_per_s * (1 - 1e-12));
    CHECK(b[0].bjb_throughput_upper_per_s <= b[0].aba_throughput_upper_per_s * (1 + 1e-12));
  }
  CHECK(balanced >= 50);
}

TEST_CASE("bounds: one entry per closed class, each treated alone, zero population harmless") {
  Network net;
  net.stations = {queue_station("cpu"), queue_station("disk", 2)};
  net.classes = {{"a", ClassKind::closed, 0, 5, 1}, {"b", ClassKind::closed, 0, 0, 0}};
  net.demand_s.resize(2, 2);
  net.demand_s << 0.2, 0.6, 0.3, 0.1;
  const auto b = closed_bounds(net);
  REQUIRE(b.size() == 2);
  CHECK(b[0].bottleneck_station == 1);        // disk: 0.6 / 2 servers = 0.3 > 0.2
  CHECK_FALSE(b[0].balanced_bounds_applied);  // a multi-server station visited: ABA only
  CHECK(b[0].knee_population == doctest::Approx((0.2 + 0.6 + 1) / 0.3));
  CHECK(b[1].throughput_upper_per_s == 0.0);
  CHECK(std::isfinite(b[1].response_time_upper_s));
}
