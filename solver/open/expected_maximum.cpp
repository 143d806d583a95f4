#include "solver/open/expected_maximum.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tpeval::solver::open {

double expected_max_standard_normal(int k) {
  if (k < 1) throw std::invalid_argument("expected maximum of fewer than one variable");
  if (k == 1) return 0.0;
  const boost::math::normal z;
  const double n = static_cast<double>(k);
  // Density of the maximum: k phi(x) Phi(x)^(k-1); beyond |x| = 12 it is below 1e-30.
  const auto integrand = [&](double x) {
    return x * n * boost::math::pdf(z, x) * std::pow(boost::math::cdf(z, x), n - 1.0);
  };
  return boost::math::quadrature::gauss_kronrod<double, 61>::integrate(integrand, -12.0, 12.0, 15,
                                                                       1e-12);
}

}  // namespace tpeval::solver::open
