// The reference loop of the backtest benchmark: GBM paths, the Black-Scholes delta of one call through
// std::erfc, a delta band, 5 bp proportional costs. Plain C++, one core: the floor a JavaScript engine is judged by.
// Build: g++ -O2 -o loop loop.cpp ; run: ./loop PATHS STEPS
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

static uint64_t s[4];
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t next() {  // xoshiro256**
  const uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
  return r;
}
static inline double uniform() { return ((next() >> 11) + 0.5) * 0x1.0p-53; }

int main(int argc, char** argv) {
  const int paths = argc > 1 ? atoi(argv[1]) : 10000, steps = argc > 2 ? atoi(argv[2]) : 720;
  s[0] = 0x9E3779B97F4A7C15ull; s[1] = 0xBF58476D1CE4E5B9ull; s[2] = 0x94D049BB133111EBull; s[3] = 1;
  const double S0 = 100000, K = 100000, vol = 0.6, T = 30.0 / 365, dt = T / steps, band = 0.05, cost = 0.0005;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpuStart = std::clock();
  double total = 0;
  for (int p = 0; p < paths; p++) {
    double S = S0, hedge = 0, cash = 0;
    for (int k = 0; k < steps; k++) {
      const double tau = T - k * dt, sd = vol * std::sqrt(tau);
      const double d1 = std::log(S / K) / sd + 0.5 * sd;
      const double delta = 0.5 * std::erfc(-d1 / std::sqrt(2.0));
      const double target = delta;  // hedge of a short call
      if (std::fabs(hedge - target) > band) {
        const double q = target - hedge;
        cash -= q * S + std::fabs(q) * S * cost;
        hedge = target;
      }
      // Box–Muller, one normal per step
      const double z = std::sqrt(-2 * std::log(uniform())) * std::cos(2 * M_PI * uniform());
      S *= std::exp(vol * std::sqrt(dt) * z - 0.5 * vol * vol * dt);
    }
    total += cash + hedge * S - std::fmax(S - K, 0.0);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  std::printf("%.6f %.6f %.6f\n", secs, total / paths, cpu);
  return 0;
}
