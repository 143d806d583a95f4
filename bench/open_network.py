"""Prints an open network of N FCFS stations and one class (the 10^5-station scaling input of
issue #16): demands of 0.125/N to 1/N s, 0.5 s in total, so the stations are lightly loaded.
Usage: python3 bench/open_network.py N > net.json"""
import json
import sys

n = int(sys.argv[1])
stations = [{"name": f"s{k}", "discipline": "fcfs"} for k in range(n)]
demands = {f"s{k}": 0.5 / n * (1 + k % 7) / 4 for k in range(n)}
print(json.dumps({"name": f"open-{n}", "stations": stations,
                  "classes": [{"name": "tx", "arrival_rate_per_s": 1.0, "demands_s": demands}]}))
