// Cost limits of the closed-network solvers (issue #16): inputs whose time or memory would explode
// are refused with the limit named and a hint, or -- with the automatic method -- solved by an
// approximate method with a warning; populations never wrap when narrowed to int.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "solver/mva/closed.hpp"
#include "solver/mva/exact_multi.hpp"
#include "solver/mva/exact_single.hpp"
#include "solver/mva/linearizer.hpp"
#include "solver/mva/schweitzer.hpp"
#include "tests/solver/mva/mva_test_support.hpp"

using namespace tpeval::solver;
using tpeval::test::numbered;
using tpeval::test::queue_station;

namespace {
Network closed_network(int classes, long population, int stations = 2) {
  Network n;
  for (int k = 0; k < stations; ++k) n.stations.push_back(queue_station(numbered("s", k)));
  for (int c = 0; c < classes; ++c)
    n.classes.push_back({numbered("c", c), ClassKind::closed, 0.0, population, 1.0});
  n.demand_s = Eigen::MatrixXd::Constant(classes, stations, 0.01);
  n.visits = Eigen::MatrixXd::Constant(classes, stations, 1.0);
  return n;
}

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("mva limits: one class with a huge population is refused by exact MVA with a hint") {
  const Network n = closed_network(1, 1'000'000'000);
  const std::string m = message_of([&] { solve_exact_single(n, 0); });
  CHECK(m.find("beyond the limit of 200000000") != std::string::npos);
  CHECK(m.find("use --method linearizer") != std::string::npos);
  ClosedOptions exact;
  exact.method = ClosedMethod::exact;
  CHECK(message_of([&] { solve_closed(n, exact); }) == m);
}

TEST_CASE("mva limits: the automatic method falls back to Linearizer for a huge single class") {
  const Solution s = solve_closed(closed_network(1, 1'000'000'000));
  CHECK(s.method == "linearizer");
  REQUIRE_FALSE(s.warnings.empty());
  CHECK(s.warnings.front().rfind("automatic method: exact MVA for class 'c0'", 0) == 0);
  // Saturated: the bottleneck (D = 0.01 s) bounds the throughput at 100/s.
  CHECK(s.class_throughput_per_s(0) == doctest::Approx(100.0).epsilon(1e-6));
}

TEST_CASE("mva limits: exact single-class MVA below the limit keeps O(stations) memory") {
  // 2 x 10^7 x 2 stations steps is within the limit; the recursion no longer stores X(1..N).
  const Solution s = solve_exact_single(closed_network(1, 20'000'000), 0);
  CHECK(s.class_throughput_per_s(0) == doctest::Approx(100.0).epsilon(1e-6));
}

TEST_CASE("mva limits: the exact lattice is refused beyond its limit before any int arithmetic") {
  ClosedOptions exact;
  exact.method = ClosedMethod::exact;
  const std::string two = message_of([&] { solve_closed(closed_network(2, 20'000), exact); });
  CHECK(two.find("population lattice of 400040001 points, beyond the limit of 50000000") !=
        std::string::npos);
  CHECK(two.find("use --method linearizer") != std::string::npos);
  // 40 classes of 10^9: the lattice size saturates instead of overflowing.
  CHECK(message_of([&] {
          solve_exact_multi(closed_network(40, 1'000'000'000));
        }).find("more than 9.2e18") != std::string::npos);
}

TEST_CASE("mva limits: Linearizer refuses class counts whose correction terms explode") {
  const Network many = closed_network(4'000, 1);
  const std::string m = message_of([&] { solve_linearizer(many); });
  CHECK(m.find("beyond the limit of 25000000; use --method schweitzer") != std::string::npos);
  // The automatic method then uses Bard-Schweitzer and says so.
  const Solution s = solve_closed(many);
  CHECK(s.method == "schweitzer");
  REQUIRE_FALSE(s.warnings.empty());
  CHECK(s.warnings.front().find("Bard-Schweitzer used instead") != std::string::npos);
}

TEST_CASE("mva limits: approximate MVA refuses populations beyond int instead of wrapping") {
  const Network n = closed_network(1, 3'000'000'000L);
  CHECK(message_of([&] { solve_schweitzer(n); }) ==
        "class 'c0': population 3000000000 beyond the limit of 1000000000");
  CHECK(message_of([&] { solve_linearizer(n); }) ==
        "class 'c0': population 3000000000 beyond the limit of 1000000000");
}
