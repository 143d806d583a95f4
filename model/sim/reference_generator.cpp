// Reference strings of simulated transactions (see reference_generator.hpp).
#include "model/sim/reference_generator.hpp"

#include "model/routing.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "model/input_limits.hpp"
#include "solver/io/json_input.hpp"

#include "model/update_shares.hpp"

namespace tpeval::model::sim {
void check_id_limits(const SystemModel& model) {
  if (model.partitions.size() > kMaxSimulatedPartitions)
    throw io::InputError(
        "database.partitions",
        "the simulator holds at most " + std::to_string(kMaxSimulatedPartitions) + " partitions");
  for (std::size_t p = 0; p < model.partitions.size(); ++p) {
    // Record numbers are part of record lock ids, page numbers of page ids (a blocking factor
    // below 1 gives more pages than records).
    const Partition& part = model.partitions[p];
    if (!(part.records <= static_cast<double>(kMaxIdNumber)) ||
        !(std::ceil(part.records / part.blocking_factor) <= static_cast<double>(kMaxIdNumber)))
      throw io::InputError(
          io::child_path(io::element_path("database.partitions", p), "records"),
          "the simulator holds at most 2^44 - 1 (" + std::to_string(kMaxIdNumber) +
              ") records and pages per partition (the analytic evaluation has no such limit)");
  }
}

ReferenceGenerator::ReferenceGenerator(const SystemModel& model) {
  check_id_limits(model);
  const std::size_t np = model.partitions.size();
  geometry_.resize(np);
  for (std::size_t p = 0; p < np; ++p) {
    const Partition& part = model.partitions[p];
    Geometry& g = geometry_[p];
    g.records = static_cast<std::uint64_t>(std::max(1.0, std::round(part.records)));
    g.access = part.access;
    g.lock = part.lock_granularity;
    g.owner = static_cast<std::uint32_t>(p);
    g.pages =
        static_cast<std::uint64_t>(std::max(1.0, std::ceil(part.records / part.blocking_factor)));
    g.records_per_page = part.blocking_factor;
  }
  for (std::size_t p = 0; p < np; ++p) {
    const Partition& part = model.partitions[p];
    if (!part.clustered_with) continue;
    Geometry& g = geometry_[p];
    const auto host = static_cast<std::uint32_t>(*part.clustered_with);
    g.clustered = true;
    g.owner = host;
    g.records_per_page =
        static_cast<double>(g.records) / static_cast<double>(geometry_[host].pages);
    g.pages = 0;
  }
  // Clusters: key ranges per node under key affinity (node k owns the k-th range, branch k of
  // Debit-Credit runs on node 1 + k DIV 100, L3219) and an end-of-file region per node for
  // appends (each node appends to its own end page, as the analytic model assumes).
  nodes_ = model.nodes.size();
  for (std::size_t p = 0; p < np; ++p) {
    key_range_.push_back(key_partitioned(model, p) ? 1 : 0);
    other_share_.push_back(
        p < model.cluster.other_node_share.size() ? model.cluster.other_node_share[p] : 0.0);
  }
  append_cursor_.assign(np * nodes_, 0);
  hosts_clustered_.assign(np, 0);
  for (std::size_t p = 0; p < np; ++p)
    if (geometry_[p].clustered) hosts_clustered_[geometry_[p].owner] = 1;
  last_page_.assign(np, -1);
  sequential_next_.assign(np, -1);

  for (const TransactionType& type : model.transaction_types) {
    TypePlan plan;
    plan.references = type.references;
    for (std::size_t p = 0; p < np; ++p) plan.update_shares.push_back(update_share_of(type, p));
    plan.count = ReferenceCountDraw(type);
    // The rule shared with the analytic lock model (model/routing.hpp).
    const bool fixed = fixed_reference_counts(type);
    std::vector<std::uint32_t> multiset;
    for (std::size_t p = 0; p < np && fixed; ++p) {
      const double share = p < type.reference_shares.size() ? type.reference_shares[p] : 0.0;
      for (long k = 0; k < std::lround(share * type.references); ++k)
        multiset.push_back(static_cast<std::uint32_t>(p));
    }
    plan.fixed_counts = fixed;
    if (fixed) plan.fixed = std::move(multiset);
    double sum = 0.0;
    for (std::size_t p = 0; p < np; ++p) {
      sum += p < type.reference_shares.size() ? type.reference_shares[p] : 0.0;
      plan.cumulative.push_back(sum);
    }
    if (sum > 0)
      for (double& c : plan.cumulative) c /= sum;
    plans_.push_back(std::move(plan));
  }
}

std::uint64_t ReferenceGenerator::keyed_record(std::uint32_t partition, std::size_t node,
                                               solver::des::RandomStream& stream, Reference& r) {
  const Geometry& g = geometry_[partition];
  if (nodes_ < 2 || !key_range_[partition]) return below(stream, g.records);
  // Key affinity: the node's own range, except the other-node share of references, which goes
  // to another node's range chosen uniformly (Debit-Credit ACCOUNT 15 %, L269, L3219).
  std::size_t range = node;
  if (other_share_[partition] > 0 && stream.uniform01() < other_share_[partition])
    range = (node + 1 + below(stream, nodes_ - 1)) % nodes_;
  r.range_node = static_cast<std::int32_t>(range);
  const std::uint64_t lo = g.records * range / nodes_;
  const std::uint64_t hi = g.records * (range + 1) / nodes_;
  return lo + below(stream, std::max<std::uint64_t>(1, hi - lo));
}

std::uint64_t ReferenceGenerator::appended_record(std::uint32_t partition, std::size_t node) {
  const Geometry& g = geometry_[partition];
  std::uint64_t& cursor = append_cursor_[partition * nodes_ + node];
  if (nodes_ < 2) {
    const std::uint64_t record = cursor;
    cursor = (record + 1) % g.records;
    return record;
  }
  const std::uint64_t lo = g.records * node / nodes_;
  const std::uint64_t size = std::max<std::uint64_t>(1, g.records * (node + 1) / nodes_ - lo);
  const std::uint64_t record = lo + cursor;
  cursor = (cursor + 1) % size;
  return record;
}

Reference ReferenceGenerator::make(std::uint32_t partition, bool update,
                                   solver::des::RandomStream& stream, std::size_t node) {
  const Geometry& g = geometry_[partition];
  Reference r;
  r.partition = partition;
  r.page_partition = g.owner;
  r.update = update;
  std::uint64_t record = 0;
  std::uint64_t page_number = 0;
  if (g.clustered) {
    // The record lies in the host page this transaction touched (its teller at its branch).
    const std::int64_t host_page = last_page_[g.owner];
    page_number = host_page >= 0 ? static_cast<std::uint64_t>(host_page)
                                 : below(stream, geometry_[g.owner].pages);
    const auto per_page = static_cast<std::uint64_t>(std::max(1.0, g.records_per_page));
    record = std::min(g.records - 1, page_number * per_page + below(stream, per_page));
  } else {
    switch (g.access) {
      case AccessPattern::append:
        if (!hosts_clustered_[partition] && nodes_ < 2) {
          // Taken when the insert is made (place_appends). A partition that hosts clustered
          // records takes it now, since their pages follow this one; so do clusters (each
          // node's own end page), whose analytic agreement is not re-measured yet.
          r.append_pending = true;
          r.locked = g.lock != LockGranularity::none;
          return r;
        }
        record = appended_record(partition, node);
        locate(r, record);
        page_number = r.page & kMaxIdNumber;
        if (last_page_[g.owner] < 0 || g.owner == partition)
          last_page_[g.owner] = static_cast<std::int64_t>(page_number);
        return r;
      case AccessPattern::sequential:
        if (sequential_next_[partition] < 0)
          sequential_next_[partition] = static_cast<std::int64_t>(below(stream, g.records));
        record = static_cast<std::uint64_t>(sequential_next_[partition]);
        sequential_next_[partition] = static_cast<std::int64_t>((record + 1) % g.records);
        break;
      case AccessPattern::random:
        record = keyed_record(partition, node, stream, r);
        break;
    }
    page_number = static_cast<std::uint64_t>(static_cast<double>(record) / g.records_per_page);
    page_number = std::min(page_number, g.pages - 1);
  }
  if (last_page_[g.owner] < 0 || g.owner == partition)
    last_page_[g.owner] = static_cast<std::int64_t>(page_number);
  r.page = page_id(g.owner, page_number);
  r.locked = g.lock != LockGranularity::none;
  if (g.lock == LockGranularity::page) r.lock = r.page;
  if (g.lock == LockGranularity::record)
    r.lock = (std::uint64_t{1} << 63) | (static_cast<std::uint64_t>(partition) << 44) | record;
  return r;
}

void ReferenceGenerator::locate(Reference& r, std::uint64_t record) const {
  const Geometry& g = geometry_[r.partition];
  std::uint64_t page_number =
      static_cast<std::uint64_t>(static_cast<double>(record) / g.records_per_page);
  page_number = std::min(page_number, g.pages - 1);
  const auto first =
      static_cast<std::uint64_t>(std::ceil(static_cast<double>(page_number) * g.records_per_page));
  r.new_page = record == first;
  r.page = page_id(g.owner, page_number);
  if (g.lock == LockGranularity::page) r.lock = r.page;
  if (g.lock == LockGranularity::record)
    r.lock = (std::uint64_t{1} << 63) | (static_cast<std::uint64_t>(r.partition) << 44) | record;
}

void ReferenceGenerator::place_appends(std::vector<Reference>& refs, std::size_t at,
                                       std::size_t node) {
  const std::uint32_t partition = refs[at].partition;
  for (std::size_t k = at; k < refs.size(); ++k) {
    Reference& r = refs[k];
    if (!r.append_pending || r.partition != partition) continue;
    locate(r, appended_record(partition, node));
    r.append_pending = false;
  }
}

void ReferenceGenerator::generate(std::size_t type, solver::des::RandomStream& stream,
                                  std::vector<Reference>& out, std::size_t node) {
  out.clear();
  std::fill(last_page_.begin(), last_page_.end(), -1);
  std::fill(sequential_next_.begin(), sequential_next_.end(), -1);
  const TypePlan& plan = plans_[type];
  order_.clear();
  if (plan.fixed_counts) {
    order_.assign(plan.fixed.begin(), plan.fixed.end());
    // Random order (Fisher-Yates), then every clustered reference right after the first
    // reference to its host, so the teller follows its branch (L2525: TELLER always hits).
    for (std::size_t i = order_.size(); i > 1; --i)
      std::swap(order_[i - 1], order_[below(stream, i)]);
    arranged_.clear();
    clustered_.clear();
    for (std::uint32_t p : order_)
      if (geometry_[p].clustered) clustered_.push_back(p);
    for (std::uint32_t p : order_) {
      if (geometry_[p].clustered) continue;
      arranged_.push_back(p);
      for (std::size_t k = 0; k < clustered_.size();) {
        if (geometry_[clustered_[k]].owner == p) {
          arranged_.push_back(clustered_[k]);
          clustered_.erase(clustered_.begin() + static_cast<std::ptrdiff_t>(k));
        } else {
          ++k;
        }
      }
    }
    arranged_.insert(arranged_.end(), clustered_.begin(), clustered_.end());
    order_.swap(arranged_);
  } else {
    const std::size_t count = plan.count.draw(stream);
    for (std::size_t k = 0; k < count; ++k) {
      const double u = stream.uniform01();
      const auto it = std::upper_bound(plan.cumulative.begin(), plan.cumulative.end(), u);
      const auto p = static_cast<std::uint32_t>(std::min<std::ptrdiff_t>(
          it - plan.cumulative.begin(), static_cast<std::ptrdiff_t>(plan.cumulative.size()) - 1));
      order_.push_back(p);
    }
  }
  for (std::uint32_t p : order_) {
    const double share = plan.update_shares[p];
    const bool update = share >= 1.0 ? true : share <= 0.0 ? false : stream.uniform01() < share;
    out.push_back(make(p, update, stream, node));
  }
}

}  // namespace tpeval::model::sim
