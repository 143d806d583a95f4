// Reference streams: the domain-free description of what a buffer sees.
//
// Contract: a caller describes the references reaching an LRU buffer as a list of streams, each
// with a rate in references per unit of time (any unit: per second, per transaction; every time
// the cache solvers return, such as the characteristic time, is in the same unit). Three kinds:
//  * independent: a class of `item_count` items, each referenced with the same probability under
//    the independent reference model (IRM); `reference_rate` is the rate for the whole class, so
//    the per-item rate is reference_rate / item_count. Classes of 10^8 items cost O(1).
//  * sequential: items are created in order; each receives `references_per_item` consecutive
//    references of the stream and is then never referenced again (20 records per page: 20;
//    one-touch items such as appended log or history records that are never re-read: 1).
//  * repeat: a reference to the item referenced immediately before (a second record in a page
//    that was just referenced); always a hit and occupies no buffer space of its own.
// `write_fraction` is the share of the stream's references that modify the item (dirty pages,
// commit writes under FORCE, invalidations of other nodes' copies). `shared` matters only for
// the cluster model: a shared class is one population referenced by all nodes; a private one is
// replicated per node (never invalidated). validate_streams() throws io::InputError naming
// "streams[i].<field>" for any value the solvers cannot accept.
#pragma once

#include <string>
#include <vector>

namespace tpeval::solver::cache {

enum class StreamKind { independent, sequential, repeat };

struct ReferenceStream {
  std::string name;
  StreamKind kind = StreamKind::independent;
  double item_count = 1.0;           ///< independent: number of items (>= 1); else unused
  double reference_rate = 0.0;       ///< references per unit time for the whole stream (>= 0)
  double references_per_item = 1.0;  ///< sequential: consecutive references per item (>= 1)
  double write_fraction = 0.0;       ///< share of references that modify the item, in [0, 1]
  bool shared = true;                ///< cluster model only: one population for all nodes
};

/// An IRM class of `item_count` items, each referenced at `rate_per_item`.
ReferenceStream independent_class(std::string name, double item_count, double rate_per_item,
                                  double write_fraction = 0.0);
/// A new item every `references_per_item` references (sequential insertion).
ReferenceStream sequential_stream(std::string name, double reference_rate,
                                  double references_per_item, double write_fraction = 0.0);
/// Items referenced once and never again (sequential with one reference per item).
ReferenceStream one_touch_stream(std::string name, double reference_rate,
                                 double write_fraction = 0.0);
/// Immediate re-references of the item referenced just before: always hits.
ReferenceStream repeat_stream(std::string name, double reference_rate, double write_fraction = 0.0);

/// Throws io::InputError("streams[i].<field>", reason) for a non-finite or out-of-range value,
/// or when the list is empty or has no reference at all.
void validate_streams(const std::vector<ReferenceStream>& streams);

/// Total reference rate of all streams.
double total_reference_rate(const std::vector<ReferenceStream>& streams);

}  // namespace tpeval::solver::cache
