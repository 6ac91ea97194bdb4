#!/usr/bin/env node
// `npm run bench` runs the whole benchmark (scripts/bench.js): commands, reads and search at two
// sizes, as-of, rebuild. Kept under this name because package.json's "bench" script points here.
require('./bench.js');
