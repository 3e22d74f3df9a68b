// Values printed by CPython 3.11 (`random.Random(seed)`), so these fail if any draw diverges from upstream's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PyRandom } from "../../src/generate/pyrandom.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test("MT19937 seeded like random.seed(42) gives CPython's words and floats", () => {
  const r = new PyRandom(42);
  assert.deepEqual(range(5).map(() => r.getrandbits(32)), [2746317213, 478163327, 107420369, 3184935163, 1181241943]);
  const f = new PyRandom(42);
  assert.equal(f.random(), 0.6394267984578837);
  assert.equal(f.random(), 0.025010755222666936);
});

test("seeds 0 and above 2^32 use init_by_array over 32-bit words like CPython", () => {
  const z = new PyRandom(0);
  assert.deepEqual(range(3).map(() => z.getrandbits(32)), [3626764237, 1654615998, 3255389356]);
  const big = new PyRandom(2 ** 40 + 7);
  assert.deepEqual(range(3).map(() => big.getrandbits(32)), [2635837658, 3209733218, 3500038837]);
});

test("sample (set and pool algorithms) and shuffle consume the stream like CPython", () => {
  const r = new PyRandom(42);
  assert.deepEqual(r.sample(range(167), 3), [163, 28, 6]); // set branch (n > 21)
  assert.deepEqual(r.sample(range(10), 4), [4, 3, 8, 1]); // pool branch
  assert.deepEqual(r.sample(range(1000), 30), [754, 104, 692, 758, 913, 558, 89, 604, 432, 32, 30, 95, 223, 238, 517, 616, 27, 574, 203, 733, 665, 718, 429, 225, 459, 603, 284, 828, 890, 6]);
  assert.deepEqual(r.sample(range(50), 20), [48, 10, 44, 27, 21, 17, 9, 13, 45, 6, 5, 24, 40, 22, 36, 16, 2, 29, 7, 32]); // k > 5: setsize 85
  assert.deepEqual(r.shuffle(range(10)), [8, 0, 3, 2, 7, 5, 9, 4, 1, 6]);
});

test("state round-trips and sample(k=0) draws nothing", () => {
  const r = new PyRandom(7);
  r.sample(range(100), 0);
  const s = r.getState();
  const a = r.getrandbits(32);
  const r2 = new PyRandom(1);
  r2.setState(s);
  assert.equal(r2.getrandbits(32), a);
  assert.equal(new PyRandom(7).getrandbits(32), a);
  assert.throws(() => r.sample(range(3), 4));
});
