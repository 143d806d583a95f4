% Peer run for bench/run_mva.sh: GNU Octave `queueing` qncmmva (exact multi-class MVA) on the model
% of bench/bench_mva.cpp BM_exact_multi_C3_N30_M10: 3 classes x 30 jobs x 10 single-server stations,
% D(c,k) = 0.01 (1 + ((3c + 7k) mod 11)) s (c, k from 0), visits 1, think time Z = 1 s per class.
% Prints the best-of-3 wall and CPU times and the class throughputs (to compare with ours).
pkg load queueing;
C = 3; K = 10; N = 30 * ones(1, C);
S = zeros(C, K);
for c = 0:C-1
  for k = 0:K-1
    S(c+1, k+1) = 0.01 * (1 + mod(3*c + 7*k, 11));
  end
end
V = ones(C, K); M = ones(1, K); Z = ones(1, C);
best = Inf; best_cpu = Inf;
for rep = 1:3
  t = tic; c0 = cputime;
  [U, R, Q, X] = qncmmva(N, S, V, M, Z);
  best = min(best, toc(t)); best_cpu = min(best_cpu, cputime - c0);
end
% X(c,k) is the class-c throughput at centre k; with V = 1 it equals the class throughput.
printf("octave qncmmva 3x30x10: %.1f ms wall, %.1f ms CPU (best of 3), X = [%.6f %.6f %.6f]\n", ...
       1000 * best, 1000 * best_cpu, X(1,1), X(2,1), X(3,1));
