// The model JSON Schema, embedded so the binary can print it and validate --set paths.
#include "model/schema.hpp"

namespace tpeval::model {
namespace {

constexpr const char* kSchema = R"json({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://tpeval.example/schemas/model.schema.json",
  "title": "tpeval transaction-processing system model",
  "description": "A TPSIM-style model (Rahm 1993, Sect. 6.5): nodes (hardware), database partitions, workload and policies. Times in ms, rates per second. See docs/model.md.",
  "type": "object",
  "required": ["nodes", "database", "workload"],
  "additionalProperties": false,
  "properties": {
    "$schema": {"type": "string"},
    "name": {"type": "string"},
    "description": {"type": "string"},
    "generator": {
      "description": "Informational: how the document was generated.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "kind": {"enum": ["debit_credit", "real_load", "lock_experiment"]},
        "sized_for_tps": {"type": "number", "exclusiveMinimum": 0},
        "branch_teller_clustering": {"type": "boolean"},
        "other_branch_share": {"type": "number", "minimum": 0, "maximum": 1, "description": "15 % rule (L269); only relevant with several nodes."}
      }
    },
    "nodes": {
      "description": "Processing nodes. The first entry also holds the storage shared by all nodes (devices, disk_cache, extended_memory = the GEH of a cluster); later entries may not repeat it. With a cluster section and one entry, cluster.nodes identical copies are made.",
      "type": "array", "minItems": 1, "maxItems": 64,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "name": {"type": "string", "default": "node1"},
          "cpu": {
            "type": "object", "additionalProperties": false,
            "properties": {
              "count": {"type": "integer", "minimum": 1, "default": 4},
              "mips": {"type": "number", "exclusiveMinimum": 0, "default": 50}
            }
          },
          "io_overhead_instructions": {"type": "number", "minimum": 0, "default": 3000, "description": "CPU instructions per disk or SSD I/O (Tab. 6-6)."},
          "buffer": {
            "type": "object", "additionalProperties": false,
            "properties": {"pages": {"type": "integer", "minimum": 0, "default": 2000, "description": "Main-memory (HS) DB buffer, global LRU."}}
          },
          "extended_memory": {
            "type": "object", "additionalProperties": false,
            "properties": {
              "access_time_ms": {"type": "number", "exclusiveMinimum": 0, "default": 0.05},
              "servers": {"type": "integer", "minimum": 1, "default": 1},
              "setup_instructions": {"type": "number", "minimum": 0, "default": 300},
              "synchronous": {"type": "boolean", "default": true, "description": "The CPU stays busy during an EH access (L2376)."},
              "buffer_pages": {"type": "integer", "minimum": 0, "default": 0, "description": "Extended DB buffer in EH (0 = none)."},
              "write_buffer_pages": {"type": "integer", "minimum": 1, "default": 64, "description": "EH write-buffer capacity (not given in the book)."}
            }
          },
          "disk_cache": {
            "type": "object", "additionalProperties": false,
            "properties": {
              "type": {"enum": ["none", "volatile", "non_volatile"], "default": "none"},
              "pages": {"type": "integer", "minimum": 0, "default": 0, "description": "File-buffer capacity; 0 with non_volatile = write buffer only."},
              "write_buffer_pages": {"type": "integer", "minimum": 1, "default": 64}
            }
          },
          "devices": {
            "type": "array",
            "items": {
              "type": "object", "required": ["name"], "additionalProperties": false,
              "properties": {
                "name": {"type": "string"},
                "type": {"enum": ["disk", "ssd"], "default": "disk"},
                "access_time_ms": {"type": "number", "minimum": 0, "default": 15, "description": "Disk occupancy per page (15 DB, 5 log; 0 for SSD)."},
                "controller_ms": {"type": "number", "minimum": 0, "default": 1},
                "transfer_ms": {"type": "number", "minimum": 0, "default": 0.4},
                "count": {"oneOf": [{"const": "enough"}, {"type": "integer", "minimum": 1}], "default": "enough"},
                "controllers": {"oneOf": [{"const": "enough"}, {"type": "integer", "minimum": 1}], "default": "enough"}
              }
            }
          },
          "log": {
            "type": "object", "additionalProperties": false,
            "properties": {
              "device": {"type": "string", "default": "log_disk", "description": "A device pool name or extended_memory."},
              "write_buffer": {"enum": ["none", "disk_cache", "extended_memory"], "default": "none"},
              "group_commit_size": {"type": "integer", "minimum": 1, "default": 1}
            }
          }
        }
      }
    },
    "database": {
      "type": "object", "required": ["partitions"], "additionalProperties": false,
      "properties": {
        "partitions": {
          "type": "array", "minItems": 1,
          "items": {
            "type": "object", "required": ["name", "records"], "additionalProperties": false,
            "properties": {
              "name": {"type": "string"},
              "records": {"type": "number", "exclusiveMinimum": 0},
              "blocking_factor": {"type": "number", "exclusiveMinimum": 0, "default": 1},
              "access": {"enum": ["random", "sequential", "append"], "default": "random"},
              "lock_granularity": {"enum": ["page", "record", "none"], "default": "page"},
              "clustered_with": {"type": ["string", "null"], "default": null},
              "allocation": {
                "type": "object", "additionalProperties": false,
                "properties": {
                  "device": {"type": "string", "default": "db_disks", "description": "A device pool name, extended_memory or main_memory."},
                  "write_buffer": {"enum": ["none", "disk_cache", "extended_memory"], "default": "none"},
                  "disk_cache": {"type": "boolean", "default": true},
                  "extended_buffer": {"type": "boolean", "default": false},
                  "migration": {"enum": ["all", "modified", "unmodified"], "default": "all"}
                }
              }
            }
          }
        }
      }
    },
    "workload": {
      "type": "object", "required": ["transaction_types"], "additionalProperties": false,
      "description": "Exactly one of arrival_rate_per_s (open) and terminals with think_time_ms (closed); null counts as not given.",
      "properties": {
        "arrival_rate_per_s": {"type": ["number", "null"], "minimum": 0, "description": "Total Poisson arrival rate (open workload)."},
        "terminals": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000000, "description": "Closed workload: number of terminals, each submitting a transaction an exponential think time after its previous one committed (TPC-A style)."},
        "think_time_ms": {"type": ["number", "null"], "minimum": 0, "maximum": 86400000, "description": "Mean think time per terminal (closed workload)."},
        "transaction_types": {
          "type": "array", "minItems": 1,
          "items": {
            "type": "object", "required": ["name", "references", "reference_shares"], "additionalProperties": false,
            "properties": {
              "name": {"type": "string"},
              "mix": {"type": "number", "minimum": 0, "default": 1},
              "references": {
                "description": "Record references per transaction: a mean (fixed count), {mean, scv} or {values, probabilities} (a distribution drawn per transaction).",
                "oneOf": [
                  {"type": "number", "exclusiveMinimum": 0},
                  {"type": "object", "required": ["mean"], "additionalProperties": false,
                   "properties": {"mean": {"type": "number", "exclusiveMinimum": 0}, "scv": {"type": "number", "minimum": 0, "maximum": 100}}},
                  {"type": "object", "required": ["values", "probabilities"], "additionalProperties": false,
                   "properties": {"values": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 0}},
                                  "probabilities": {"type": "array", "minItems": 1, "items": {"type": "number", "minimum": 0, "maximum": 1}}}}
                ]
              },
              "update_share": {"type": "number", "minimum": 0, "maximum": 1, "default": 0},
              "update_shares": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}},
              "reference_shares": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
              "instructions": {
                "type": "object", "additionalProperties": false,
                "properties": {
                  "bot": {"type": "number", "minimum": 0, "default": 50000},
                  "per_reference": {"type": "number", "minimum": 0, "default": 37500},
                  "commit": {"type": "number", "minimum": 0, "default": 50000}
                }
              }
            }
          }
        }
      }
    },
    "cluster": {
      "description": "Several DBMS nodes sharing the disks (DB-sharing, Rahm 1993 ch. 7). See docs/cluster.md.",
      "type": "object", "additionalProperties": false,
      "properties": {
        "nodes": {"type": "integer", "minimum": 1, "maximum": 64, "default": 1, "description": "Number of nodes; identical copies of the single entry of 'nodes', or the length of 'nodes'. At most 64, and at most 2000 transaction types x nodes (docs/model.md, Input limits)."},
        "coupling": {"enum": ["none", "close", "loose"], "description": "Follows from 'locking' when not given: geh_lock_table -> close, primary_copy/central -> loose."},
        "locking": {"enum": ["geh_lock_table", "primary_copy", "central"], "default": "geh_lock_table", "description": "Global concurrency control (Rahm 1993 7.5)."},
        "coherence": {"enum": ["on_request", "broadcast"], "default": "on_request", "description": "Invalidation by change counters at lock time, or broadcast at every update commit (L2967-2977)."},
        "routing": {"enum": ["random", "affinity", "table"], "default": "random"},
        "affinity": {"enum": ["key", "type"], "description": "Affinity routing by key ranges (Debit-Credit branches, L3219) or by transaction type; default key for Debit-Credit documents, type otherwise."},
        "other_node_shares": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}, "description": "Per partition: share of references to another node's key range under key affinity (ACCOUNT 0.15, L3219)."},
        "routing_table": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "number", "minimum": 0}}, "description": "Per transaction type: fractions per node (Tab. 7-1); rows are normalised."},
        "read_authorizations": {"type": "boolean", "default": true},
        "write_authorizations": {"type": "boolean", "default": true},
        "scaling": {
          "type": "object", "additionalProperties": false,
          "properties": {
            "arrival_rate": {"enum": ["per_node", "total"], "default": "per_node"},
            "database": {"enum": ["per_node", "fixed"], "default": "per_node", "description": "per_node: partition records are per node and grow with n (TPC rule, L3185)."}
          }
        },
        "messages": {
          "type": "object", "additionalProperties": false,
          "properties": {
            "bandwidth_mb_per_s": {"type": "number", "exclusiveMinimum": 0, "default": 10},
            "short_bytes": {"type": "number", "exclusiveMinimum": 0, "default": 100},
            "long_bytes": {"type": "number", "exclusiveMinimum": 0, "default": 4096},
            "short_instructions": {"type": "number", "minimum": 0, "default": 5000},
            "long_instructions": {"type": "number", "minimum": 0, "default": 8000},
            "bundle_releases": {"type": "boolean", "default": true}
          }
        },
        "geh_lock_table": {
          "type": "object", "additionalProperties": false,
          "properties": {
            "entry_access_ms": {"type": "number", "exclusiveMinimum": 0, "default": 0.002},
            "accesses_per_acquire": {"type": "number", "minimum": 1, "default": 2},
            "accesses_per_release": {"type": "number", "minimum": 1, "default": 2},
            "duplicated": {"type": "boolean", "default": false}
          }
        }
      }
    },
    "policies": {
      "type": "object", "additionalProperties": false,
      "properties": {
        "update_strategy": {"enum": ["noforce", "force"], "default": "noforce"},
        "victim_write": {"enum": ["synchronous", "asynchronous"], "default": "synchronous"},
        "force_writes_to_extended_buffer": {"type": "boolean", "default": true},
        "force_writes": {"enum": ["sequential", "parallel"], "default": "sequential"},
        "mpl": {"type": ["integer", "null"], "minimum": 1, "default": null},
        "append_new_page_read": {"type": "boolean", "default": false}
      }
    }
  }
}
)json";

}  // namespace

const nlohmann::json& model_schema() {
  static const nlohmann::json schema = nlohmann::json::parse(kSchema);
  return schema;
}

}  // namespace tpeval::model
