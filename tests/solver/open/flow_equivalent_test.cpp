// The open queue in front of a flow-equivalent server (Lazowska et al., QSP §8.4).
#include <doctest/doctest.h>

#include <vector>

#include "solver/open/flow_equivalent.hpp"

using tpeval::solver::open::flow_equivalent_queue;

TEST_CASE("flow-equivalent queue: MPL 1 with a constant rate is M/M/1") {
  // lambda = 6, X(1) = 10: rho = 0.6, L = rho / (1 - rho) = 1.5, P(inside = 0) = 1 - rho.
  const auto q = flow_equivalent_queue({10.0}, 6.0);
  REQUIRE(q);
  CHECK(q->mean_in_system == doctest::Approx(1.5));
  CHECK(q->mean_inside == doctest::Approx(0.6));
  REQUIRE(q->inside_probability.size() == 2);
  CHECK(q->inside_probability[0] == doctest::Approx(0.4));
  CHECK(q->inside_probability[1] == doctest::Approx(0.6));
}

TEST_CASE("flow-equivalent queue: the inside distribution sums to 1 and gives the mean inside") {
  // X(n) = 4 n up to N = 5 (a delay subsystem): M/M/5 in front of it at lambda = 15.
  const std::vector<double> x = {4.0, 8.0, 12.0, 16.0, 20.0};
  const auto q = flow_equivalent_queue(x, 15.0);
  REQUIRE(q);
  REQUIRE(q->inside_probability.size() == 6);
  double total = 0.0, mean = 0.0;
  for (std::size_t n = 0; n < q->inside_probability.size(); ++n) {
    CHECK(q->inside_probability[n] >= 0.0);
    total += q->inside_probability[n];
    mean += static_cast<double>(n) * q->inside_probability[n];
  }
  CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(mean == doctest::Approx(q->mean_inside).epsilon(1e-12));
  // M/M/5 with a = 3.75 busy servers: the mean number in service is a, whatever the queue.
  CHECK(q->mean_inside == doctest::Approx(15.0 / 4.0).epsilon(1e-12));
  CHECK_FALSE(flow_equivalent_queue(x, 20.0));
}
