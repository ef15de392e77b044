# Self instructions per wasm function, from a callgrind run of Node with V8's perf map:
#   valgrind --tool=callgrind --smc-check=all-non-file --dump-instr=yes --callgrind-out-file=cg.out \
#     node --no-liftoff --single-threaded --perf-basic-prof bench/profile/run-steps.mjs build/prof gru_after 60
#   python3 bench/profile/by-function.py cg.out /tmp/perf-PID.map
# The functions get their C++ names from a build with a name section:
#   NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B build/prof -DCMAKE_BUILD_TYPE=Release \
#     -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs
#   NODE_PATH=/usr/share/nodejs cmake --build build/prof --target attention_wasm
import bisect
import re
import sys


def instruction_costs(path):
    """{address: instructions} from a callgrind file written with --dump-instr=yes."""
    costs, addr, skip = {}, 0, False
    for line in open(path):
        if line.startswith('calls='):
            skip = True  # the next cost line is the call's inclusive cost
            continue
        if not (line[0].isdigit() or line[0] in '+-*'):
            continue
        parts = line.split()
        p = parts[0]
        if p.startswith('0x'):
            addr = int(p, 16)
        elif p[0] in '+-':
            step = int(p[1:], 16) if p[1:].startswith('0x') else int(p[1:])
            addr += step if p[0] == '+' else -step
        elif p != '*':
            addr = int(p)
        if skip:
            skip = False
            continue
        if len(parts) > 2:  # positions: instr line; then Ir
            costs[addr] = costs.get(addr, 0) + int(parts[2])
    return costs


def main():
    costs = instruction_costs(sys.argv[1])
    funcs = sorted((int(a, 16), int(s, 16), n) for a, s, n in
                   (line.rstrip('\n').split(' ', 2) for line in open(sys.argv[2])))
    starts = [f[0] for f in funcs]
    per = {}
    for addr, n in costs.items():
        i = bisect.bisect_right(starts, addr) - 1
        name = funcs[i][2] if i >= 0 and addr < funcs[i][0] + funcs[i][1] else '(other)'
        name = re.sub(r'-\d+-turbofan$', '', name)
        per[name] = per.get(name, 0) + n
    total = sum(per.values())
    print(f'total {total:,}')
    for name, n in sorted(per.items(), key=lambda x: -x[1])[:30]:
        print(f'{100 * n / total:5.1f}% {n / 1e6:9.2f}M  {name[:140]}')


main()
