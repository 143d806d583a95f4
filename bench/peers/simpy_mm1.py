#!/usr/bin/python3
"""M/M/1 in SimPy, written the idiomatic way (a source process, a Resource of capacity 1, one
process per customer), for comparison with tpeval's DES core (bench/run_des.sh).

Debian 12's python3-simpy is SimPy 2.3.1 (the object-oriented API, `SimPy.Simulation`); SimPy 3/4
(`import simpy`, generator processes on an Environment) is used when it is installed instead.

Usage: simpy_mm1.py [CUSTOMERS] [RHO]   (defaults 200000, 0.8; service rate 1)
Times are CPU seconds (time.process_time), like the items/s of Google Benchmark, so a loaded
machine does not distort the ratio.
Prints: simpy VERSION customers N seconds T customers_per_s C mean_response_s R
"""
import random
import sys
import time


def run_simpy3(customers, rho, rng):
    import simpy

    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    stats = {"count": 0, "response": 0.0}
    finished = env.event()

    def customer(env):
        arrival = env.now
        with server.request() as request:
            yield request
            yield env.timeout(rng.expovariate(1.0))
        stats["count"] += 1
        stats["response"] += env.now - arrival
        if stats["count"] == customers:
            finished.succeed()

    def source(env):
        for _ in range(customers):
            yield env.timeout(rng.expovariate(rho))
            env.process(customer(env))

    env.process(source(env))
    start = time.process_time()
    env.run(until=finished)
    return simpy.__version__, time.process_time() - start, stats


def run_simpy2(customers, rho, rng):
    from SimPy.Simulation import Process, Resource, Simulation, hold, release, request

    sim = Simulation()
    sim.initialize()
    server = Resource(capacity=1, sim=sim)
    stats = {"count": 0, "response": 0.0}

    class Customer(Process):
        def visit(self):
            arrival = self.sim.now()
            yield request, self, server
            yield hold, self, rng.expovariate(1.0)
            yield release, self, server
            stats["count"] += 1
            stats["response"] += self.sim.now() - arrival
            if stats["count"] == customers:
                self.sim.stopSimulation()

    class Source(Process):
        def generate(self):
            for _ in range(customers):
                yield hold, self, rng.expovariate(rho)
                c = Customer(sim=self.sim)
                self.sim.activate(c, c.visit())

    source = Source(sim=sim)
    sim.activate(source, source.generate())
    start = time.process_time()
    sim.simulate(until=1e18)
    seconds = time.process_time() - start
    from importlib.metadata import version

    return version("SimPy"), seconds, stats


def main():
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rho = float(sys.argv[2]) if len(sys.argv) > 2 else 0.8
    rng = random.Random(1)
    try:
        import simpy  # noqa: F401

        version, seconds, stats = run_simpy3(customers, rho, rng)
    except ImportError:
        version, seconds, stats = run_simpy2(customers, rho, rng)
    print(f"simpy {version} customers {customers} seconds {seconds:.4f} "
          f"customers_per_s {customers / seconds:.1f} mean_response_s {stats['response'] / customers:.4f}")


if __name__ == "__main__":
    main()
