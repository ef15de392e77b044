// Native training speed for every preset at the seed's sizes (batch 64, Adam, binary
// cross-entropy): samples per second, median of several timed runs after a warm-up.
// A benchmark that prints numbers, not a test.
#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <vector>

#include "trainer.hpp"

using namespace attn;

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    std::printf("%-12s %10s %14s %14s\n", "preset", "params", "samples/s", "(min..max)");
    for (const auto& preset : preset_names()) {
        Config c = defaults_for(preset);
        c.samples = c.recurrent() ? 20000 : 10000;  // enough batches for stable timing
        c.epochs = 1000;
        Trainer t(c);
        const int batches = c.recurrent() ? 60 : 400;
        t.step(batches / 4);  // warm-up
        std::vector<double> rates;
        for (int r = 0; r < repeats; ++r) rates.push_back(t.step(batches).samples_per_second);
        std::sort(rates.begin(), rates.end());
        std::printf("%-12s %10lld %14.0f %6.0f..%-6.0f\n", preset.c_str(), t.parameter_count(),
                    rates[rates.size() / 2], rates.front(), rates.back());
    }
    return 0;
}
